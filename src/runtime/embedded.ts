// One door to everything the single executable carries: the store and the composition root import
// from here and never from node:sea directly, so they run the same under plain node.
/** True inside the single executable. */
export { isSea } from "./sea.ts";
/** Bytes of one embedded asset, or undefined. */
export { readAsset } from "./sea.ts";
/** better-sqlite3 `nativeBinding` inside the executable, else undefined. */
export { sqliteNativeBinding } from "./native.ts";
/** The file of the embedded SQLite addon inside the executable, else undefined. */
export { sqliteAddonFile } from "./native.ts";
/** Starts the SQLite background checkpoint worker, inside the executable or from source. */
export { checkpointWorkerSpawner } from "./checkpoint-worker.ts";
/** PGlite's file options inside the executable, else `{}`. */
export { pgliteEmbeddedOptions } from "./pglite.ts";
/** Type of PGlite's file options. */
export type { PgliteEmbeddedOptions } from "./pglite.ts";
/** The light CI client's bytes: embedded, or bundled from source under plain node. */
export { cliClient } from "./cli-client.ts";
/** Type of the CI client loader. */
export type { CliClientLoader } from "./cli-client.ts";
/** The built web UI's files keyed by URL path. */
export { uiAssets } from "./ui-assets.ts";
/** Type of the UI file map. */
export type { UiAssets } from "./ui-assets.ts";
