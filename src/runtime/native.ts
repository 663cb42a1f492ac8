// The SQLite addon is a shared object; the dynamic loader can only map files, so the embedded copy is
// written once to a cache directory keyed by its content hash (computed by build.ts and carried in the
// asset key) and loaded from there.
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { assetKeys, isSea, requireAsset, sqliteAddonAssetKey } from "./sea.ts";

// Memoised: dlopen of the same immutable file always yields the same addon, and loading it twice would
// only re-register its classes.
let loaded: object | undefined;
let addonFile: string | undefined;

/** better-sqlite3's native binding for `new Database(file, { nativeBinding })` inside the executable; undefined under plain node (it finds its own build). */
export function sqliteNativeBinding(): object | undefined {
  const file = sqliteAddonFile();
  if (!file) return undefined;
  if (loaded) return loaded;
  const module = { exports: {} };
  process.dlopen(module, file);
  loaded = module.exports;
  return loaded;
}

/** Inside the executable, the file the embedded SQLite addon is loaded from (a worker thread loads the same one); undefined under plain node. */
export function sqliteAddonFile(): string | undefined {
  if (!isSea()) return undefined;
  if (addonFile) return addonFile;
  const hash = assetKeys()
    .map((key) => /^sqlite\/([0-9a-f]+)\/better_sqlite3\.node$/.exec(key)?.[1])
    .find((h) => h !== undefined);
  if (!hash) throw new Error("this flakeguard executable lacks its embedded SQLite addon; rebuild it");
  addonFile = materialise(hash, "better_sqlite3.node", () => requireAsset(sqliteAddonAssetKey(hash)), process.env);
  return addonFile;
}

/** Cache directories to try, best first: XDG cache, ~/.cache, then the OS temp directory. */
export function cacheDirCandidates(env: NodeJS.ProcessEnv): string[] {
  const dirs: string[] = [];
  if (env.XDG_CACHE_HOME) dirs.push(join(env.XDG_CACHE_HOME, "flakeguard"));
  const home = env.HOME || safeHomedir();
  if (home) dirs.push(join(home, ".cache", "flakeguard"));
  // Per-user name so one user's files are never loaded by another on a shared /tmp.
  dirs.push(join(tmpdir(), `flakeguard-${process.getuid?.() ?? "user"}`));
  return dirs;
}

/** Path of `<cache>/<hash>/<name>` in the first cache directory that has it or can be given it; `read` supplies the bytes (only when the file must be written). */
export function materialise(hash: string, name: string, read: () => Uint8Array, env: NodeJS.ProcessEnv): string {
  const errors: string[] = [];
  for (const base of cacheDirCandidates(env)) {
    const dir = join(base, hash);
    const file = join(dir, name);
    if (existsSync(file)) return file; // complete: files only appear here by atomic rename
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, read(), { mode: 0o500 });
      chmodSync(partial, 0o500);
      renameSync(partial, file);
      return file;
    } catch (error) {
      errors.push(`${dir}: ${(error as Error).message}`);
    }
  }
  throw new Error(`cannot write ${name} to any cache directory (${errors.join("; ")})`);
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined; // no passwd entry (e.g. an arbitrary container uid)
  }
}
