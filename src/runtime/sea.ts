// Reads what build.ts embedded in the single executable. `node:sea` is imported as a namespace because
// older Node lines lack some of its exports and a missing named import would fail at link time.
import * as sea from "node:sea";

/** Asset key of the better-sqlite3 native addon: `sqlite/<content hash>/better_sqlite3.node`, so a start can find its cached copy without reading or hashing the asset. */
export function sqliteAddonAssetKey(hash: string): string {
  return `sqlite/${hash}/better_sqlite3.node`;
}
/** Asset keys of PGlite's runtime files inside the executable. */
export const PGLITE_ASSETS = {
  wasm: "pglite/pglite.wasm",
  initdb: "pglite/initdb.wasm",
  data: "pglite/pglite.data",
} as const;
/** Prefix of the web UI's files among the executable's assets; the rest of the key is the URL path. */
export const UI_ASSET_PREFIX = "ui";

/** True when running as the single executable built by build.ts, false under plain `node`. */
export function isSea(): boolean {
  return typeof sea.isSea === "function" && sea.isSea();
}

/** The bytes of one embedded asset (a copy), or undefined outside the executable or when it is absent. */
export function readAsset(name: string): Uint8Array<ArrayBuffer> | undefined {
  if (!isSea()) return undefined;
  try {
    return new Uint8Array(sea.getAsset(name));
  } catch {
    return undefined; // getAsset throws for unknown keys; callers decide whether that is fatal
  }
}

/** Keys of all embedded assets (empty outside the executable). */
export function assetKeys(): string[] {
  return isSea() ? sea.getAssetKeys() : [];
}

/** An embedded asset that must exist: its bytes, or an error naming it (the build is broken). */
export function requireAsset(name: string): Uint8Array<ArrayBuffer> {
  const bytes = readAsset(name);
  if (!bytes) throw new Error(`this flakeguard executable lacks its embedded asset "${name}"; rebuild it`);
  return bytes;
}
