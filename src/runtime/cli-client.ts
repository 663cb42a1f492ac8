// The light CI client served at GET /cli/flakeguard.js: one CommonJS file bundled from src/client.ts (the
// executable's own upload, run and quarantine modules) for Node ≥ 18. build.ts bundles it into the
// executable's assets; under plain node (npm run dev, tests) it is bundled from source on first request.
import type * as Esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import { isSea, readAsset } from "./sea.ts";

/** The client's key among the executable's assets. */
export const CLI_CLIENT_ASSET = "cli/flakeguard.js";
/** The oldest Node.js line the client runs on (what hosted CI runners still carry). */
export const CLI_CLIENT_NODE_TARGET = "node18";

/** The bundle's bytes, or undefined when this runtime can neither read nor build it. */
export type CliClientLoader = () => Promise<Uint8Array<ArrayBuffer> | undefined>;

/** esbuild's options for the client: what build.ts and the from-source loader both use. */
export function cliClientBuildOptions(root: string, outfile?: string) {
  return {
    entryPoints: [`${root}/src/client.ts`],
    ...(outfile ? { outfile } : { write: false, outfile: "flakeguard.js" }),
    bundle: true,
    platform: "node" as const,
    target: CLI_CLIENT_NODE_TARGET,
    // A CommonJS file: `node flakeguard.js` runs it as such on every Node line, whatever the directory's package.json.
    format: "cjs" as const,
    banner: { js: "#!/usr/bin/env node" },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "eof" as const,
    logLevel: "warning" as const,
  };
}

/**
 * The client's bytes, read once: the embedded asset inside the executable, else bundled from the sources
 * next to this file with esbuild (a dev dependency, imported only then); undefined when neither works.
 */
export function cliClient(): CliClientLoader {
  let pending: Promise<Uint8Array<ArrayBuffer> | undefined> | undefined;
  return () => (pending ??= isSea() ? Promise.resolve(readAsset(CLI_CLIENT_ASSET)) : bundleFromSource());
}

async function bundleFromSource(): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    // A variable specifier keeps bundlers from pulling esbuild into the server bundle.
    const name = "esbuild";
    const esbuild = (await import(name)) as typeof Esbuild;
    const root = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
    const result = await esbuild.build(cliClientBuildOptions(root));
    const [file] = result.outputFiles ?? [];
    return file ? new Uint8Array(file.contents) : undefined;
  } catch {
    return undefined;
  }
}
