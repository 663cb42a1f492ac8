// Starts `flakeguard serve` for the ingest bench: the built executable when there is one, else
// `node src/main.ts`; reads the admin token it prints and creates a project with an upload token.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { BUILT_BINARY, freePort, stop, waitReady } from "../e2e/process.ts";
import type { Running } from "../e2e/process.ts";

const MAIN_TS = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** Which server is measured: the built executable or the sources under Node. */
export type ServerKind = "binary" | "source";

/** The executable if it exists (unless `--server source` asks otherwise). */
export function chooseServer(requested: string | undefined): ServerKind {
  if (requested === "binary" || requested === "source") return requested;
  return existsSync(BUILT_BINARY) ? "binary" : "source";
}

/** How the chosen server is described in the output: path, and whether sources are newer than the binary. */
export function describeServer(kind: ServerKind, newestSourceMs: number): string {
  if (kind === "source") return `node ${process.version} src/main.ts`;
  const built = statSync(BUILT_BINARY).mtimeMs;
  const stale =
    newestSourceMs > built ? " (older than src/: rebuild with `npm run build` to measure current code)" : "";
  return `dist/flakeguard built ${new Date(built).toISOString()}${stale}`;
}

/**
 * `FLAKEGUARD_BENCH_CPU_PROF=dir` (with `--server source`): the server writes a V8 CPU profile there on exit.
 * With `FLAKEGUARD_BENCH_TURNS=1` too, sampled every 250 µs with test/bench/turn-marker.ts loaded, for
 * test/bench/long-turns.ts to list the event loop's long turns.
 */
function profileFlags(): string[] {
  const dir = process.env.FLAKEGUARD_BENCH_CPU_PROF;
  if (!dir) return [];
  const turns = process.env.FLAKEGUARD_BENCH_TURNS
    ? ["--cpu-prof-interval", "250", "--import", new URL("./turn-marker.ts", import.meta.url).pathname]
    : [];
  return ["--cpu-prof", "--cpu-prof-dir", dir, ...turns];
}

/** A running server with a project `bench` and its upload token. */
export interface BenchServer {
  running: Running;
  port: number;
  pid: number;
  uploadToken: string;
  /** The admin token the server printed (to create more projects). */
  adminToken: string;
  base: string;
  dir: string;
}

/** Starts the server on a fresh data dir; `databaseUrl` picks PGlite or PostgreSQL (default SQLite). */
export async function startServer(kind: ServerKind, databaseUrl?: (dir: string) => string): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), "flakeguard-ingest-bench-"));
  const port = await freePort();
  const args = ["serve", "--port", String(port), "--data-dir", join(dir, "data")];
  if (databaseUrl) args.push("--database-url", databaseUrl(dir));
  // Nothing from the developer's environment (FLAKEGUARD_*, DATABASE_URL) may change what is measured.
  const env: Record<string, string> = { PATH: "/usr/bin:/bin", HOME: dir, LANG: "C.UTF-8" };
  // The settings a run may choose, to measure what they cost or give: scoring on ingest (default on),
  // group commit on the embedded backends (default 20 ms; 0 = a commit per upload), parse workers, how
  // many uploads are processed in their request before the rest are queued, batch size, worker concurrency.
  for (const name of [
    "FLAKEGUARD_SCORE_ON_INGEST",
    "FLAKEGUARD_CLUSTERS",
    "FLAKEGUARD_GROUP_COMMIT_MS",
    "FLAKEGUARD_PARSE_WORKERS",
    "FLAKEGUARD_INLINE_CONCURRENCY",
    "FLAKEGUARD_REPORT_BATCH",
    "FLAKEGUARD_WORKER_CONCURRENCY",
  ]) {
    if (process.env[name]) env[name] = process.env[name];
  }
  const child =
    kind === "binary"
      ? spawn(BUILT_BINARY, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] })
      : spawn(process.execPath, [...profileFlags(), MAIN_TS, ...args], {
          cwd: dir,
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
  // Keep only the tail of the log: a long run must not grow the bench's own memory.
  let text = "";
  // FLAKEGUARD_BENCH_SERVER_LOG=file: the whole log there too (job batch sizes and timings, for analysis).
  const logFile = process.env.FLAKEGUARD_BENCH_SERVER_LOG;
  const keep = (chunk: Buffer) => {
    if (logFile) appendFileSync(logFile, chunk);
    text = (text + chunk.toString()).slice(-64_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const running: Running = { child, output: () => text, exited };
  await waitReady(running, port, 120_000);
  const admin = /^\s+(fga_\S+)\s*$/m.exec(text)?.[1];
  if (!admin) throw new Error(`no admin token in the server output:\n${text}`);
  const base = `http://127.0.0.1:${port}/api/v1`;
  await call(`${base}/projects`, admin, { slug: "bench" });
  const { token } = (await call(`${base}/projects/bench/tokens`, admin, {})) as { token: string };
  return { running, port, pid: child.pid ?? 0, uploadToken: token, adminToken: admin, base, dir };
}

/** POSTs JSON with a bearer token; throws on an answer of 300 or more. */
export async function call(url: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Runs `fn` against a fresh server of `kind` on `backend`: SQLite or PGlite in the server's own directory, or
 * a PostgreSQL database made for it (named `<dbPrefix>_<pid>`) on `pgAdminUrl` and dropped afterwards.
 */
export async function withBenchServer<T>(
  backend: "sqlite" | "pglite" | "postgres",
  kind: ServerKind,
  pgAdminUrl: string,
  dbPrefix: string,
  fn: (server: BenchServer) => Promise<T>,
): Promise<T> {
  const dbName = `${dbPrefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  if (backend === "postgres") {
    await admin.connect();
    await admin.query(`create database ${dbName}`);
  }
  try {
    const url = new URL(pgAdminUrl);
    url.pathname = `/${dbName}`;
    const server = await startServer(
      kind,
      backend === "sqlite"
        ? undefined
        : backend === "pglite"
          ? (dir) => `pglite:${join(dir, "pg")}`
          : () => url.toString(),
    );
    try {
      return await fn(server);
    } finally {
      await stopServer(server);
    }
  } finally {
    if (backend === "postgres") {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

/** Stops the server and removes its directory. */
export async function stopServer(server: BenchServer): Promise<void> {
  await stop(server.running, 30_000);
  rmSync(server.dir, { recursive: true, force: true });
}

/** User and system CPU seconds a process has used, from /proc (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted after it.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size of a process, current and peak (VmHWM), in MB, from /proc. */
export function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}
