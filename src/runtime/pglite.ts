// PGlite normally fetches its wasm and data files next to its own module; inside the executable there
// is no such directory, so they are handed over from the embedded assets instead.
import { isSea, PGLITE_ASSETS, requireAsset } from "./sea.ts";

/** The PGlite constructor options that supply its runtime files. */
export interface PgliteEmbeddedOptions {
  pgliteWasmModule?: WebAssembly.Module;
  initdbWasmModule?: WebAssembly.Module;
  fsBundle?: Blob;
}

/** Options to spread into `new PGlite(dir, {...})`: the embedded wasm modules and file-system bundle inside the executable, `{}` under plain node. */
export async function pgliteEmbeddedOptions(): Promise<PgliteEmbeddedOptions> {
  if (!isSea()) return {};
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    WebAssembly.compile(requireAsset(PGLITE_ASSETS.wasm)),
    WebAssembly.compile(requireAsset(PGLITE_ASSETS.initdb)),
  ]);
  return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([requireAsset(PGLITE_ASSETS.data)]) };
}
