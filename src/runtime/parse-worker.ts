// How a parse worker thread starts: inside the executable from the worker bundle build.ts embedded
// (there is no file to point a Worker at), under node or deno from the source file beside this one.
import { Worker } from "node:worker_threads";
import { isSea, requireAsset } from "./sea.ts";

/** Asset key of the parse worker's bundle inside the executable. */
export const PARSE_WORKER_ASSET = "workers/parse-worker.cjs";

/**
 * A function that starts one parse worker. `maxHeapMb` caps its JavaScript heap: a report that would need
 * more ends that worker (its upload fails), never the server.
 */
export function parseWorkerSpawner(maxHeapMb: number): () => Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (isSea()) {
    const code = new TextDecoder().decode(requireAsset(PARSE_WORKER_ASSET));
    return () => new Worker(code, { eval: true, resourceLimits });
  }
  return () => new Worker(new URL("../parse-pool/worker.ts", import.meta.url), { resourceLimits });
}
