// The web UI's built files, from the executable's assets or, under plain node, from dist/ui/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { assetKeys, isSea, readAsset, UI_ASSET_PREFIX } from "./sea.ts";

/** The UI's files keyed by URL path ("/index.html", "/assets/main-AB12CD34.js"). */
export type UiAssets = ReadonlyMap<string, Uint8Array<ArrayBuffer>>;

/** The built UI: embedded in the executable, else read from `dir` (default: the repository's dist/ui/, built by `node build.ts --ui-only`); empty when not built. */
export function uiAssets(dir?: string): UiAssets {
  return isSea() ? embeddedUi() : uiFromDirectory(dir ?? defaultUiDir());
}

/** Reads every file under `dir` into a map keyed by URL path; empty if `dir` does not exist. */
export function uiFromDirectory(dir: string): UiAssets {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return files;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    files.set("/" + relative(dir, path).split(sep).join("/"), readFileSync(path));
  }
  return files;
}

function embeddedUi(): UiAssets {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const key of assetKeys()) {
    if (!key.startsWith(UI_ASSET_PREFIX + "/")) continue;
    const bytes = readAsset(key);
    if (bytes) files.set(key.slice(UI_ASSET_PREFIX.length), bytes);
  }
  return files;
}

function defaultUiDir(): string {
  return fileURLToPath(new URL("../../dist/ui/", import.meta.url));
}
