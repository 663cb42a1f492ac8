// How the SQLite checkpoint worker thread starts: inside the executable from the bundle build.ts embedded,
// under node from the source file (Deno uses node:sqlite, whose checkpoints stay in the writer).
import { Worker } from "node:worker_threads";
import type { CheckpointWorkerSpawner } from "../store/backend/checkpointer.ts";
import { isSea, requireAsset } from "./sea.ts";

/** Asset key of the checkpoint worker's bundle inside the executable. */
export const CHECKPOINT_WORKER_ASSET = "workers/checkpoint-worker.cjs";

// A connection that only checkpoints needs little heap.
const resourceLimits = { maxOldGenerationSizeMb: 32 };

/** A function that starts the checkpoint worker with its data. */
export function checkpointWorkerSpawner(): CheckpointWorkerSpawner {
  if (isSea()) {
    const code = new TextDecoder().decode(requireAsset(CHECKPOINT_WORKER_ASSET));
    return (workerData) => new Worker(code, { eval: true, workerData, resourceLimits });
  }
  return (workerData) =>
    new Worker(new URL("../store/backend/checkpoint-worker.ts", import.meta.url), { workerData, resourceLimits });
}
