// `npm run bench:ingest`: how fast reports get in. First the parser against the bare tokenizer on a 50 MB
// JUnit report (test/bench/ingest-parse.ts), then end to end over HTTP into a running server — 2,000-test
// reports from 4 concurrent clients until 1 M results are stored — on SQLite, PGlite and PostgreSQL, each
// beside a bare insert of the same rows into the same kind of database (test/bench/ingest-bare.ts).
// Target: end to end ≥ 50% of the slower bare stage (tokenizer or insert).
// Flags: --results N (default 1000000), --clients N (4), --server binary|source (binary if built),
// --backends sqlite,pglite,postgres, --deadline SECONDS per backend (240), --no-parse, --bare-runs N (3: the
// bare insert's median is used). Environment: FLAKEGUARD_BENCH_SERVER_LOG=file keeps the server's whole log,
// FLAKEGUARD_BENCH_CPU_PROF=dir (with --server source) a CPU profile of it.
// --wide 200000,20000 runs instead the wide-report case (test/bench/ingest-wide.ts): one report of N distinct
// tests per size, first upload and steady state, with --backends, --server and --bare-runs as above.
// --stall 1000000 runs instead the stall case (test/bench/ingest-stall.ts): one report of N testcases, and
// beside it /livez, the event-loop lag and another project's 3-test reports (--backends default sqlite).
import { readdirSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runParseBench, type ParseBenchResult } from "./ingest-parse.ts";
import { bareInsert, type BareFigures, type BenchBackend } from "./ingest-bare.ts";
import { runLoad, type LoadFigures } from "./ingest-load.ts";
import { reportBodies, TESTS_PER_REPORT, variantRows } from "./ingest-reports.ts";
import { chooseServer, describeServer, withBenchServer } from "./ingest-server.ts";
import { runStall } from "./ingest-stall.ts";
import { runWide } from "./ingest-wide.ts";

/** End to end must reach this share of the slower bare stage. */
const TARGET_RATIO = 0.5;
const PG_ADMIN_URL = process.env.FLAKEGUARD_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
};
const RESULTS = Number(flag("results") ?? 1_000_000);
const CLIENTS = Number(flag("clients") ?? 4);
const DEADLINE_S = Number(flag("deadline") ?? 240);
const BACKENDS = (flag("backends") ?? "sqlite,pglite,postgres").split(",") as BenchBackend[];
const SERVER = chooseServer(flag("server"));
const BARE_RUNS = Number(flag("bare-runs") ?? 3);

/** Newest mtime under src/, to tell whether the executable was built from the current sources. */
function newestSource(dir = fileURLToPath(new URL("../../src", import.meta.url))): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** One backend: the end-to-end run, then the bare inserts of as many rows as it stored. */
async function measureBackend(
  backend: BenchBackend,
  bodies: Uint8Array<ArrayBuffer>[],
  rows: Awaited<ReturnType<typeof variantRows>>,
) {
  const load: LoadFigures = await withBenchServer(backend, SERVER, PG_ADMIN_URL, "fg_bench_e2e", (server) =>
    runLoad(server, bodies, RESULTS, CLIENTS, DEADLINE_S * 1000),
  );
  // The bare insert moves by ±10 % from run to run on this shared machine (the end to end by less): the
  // median of BARE_RUNS runs, each into a fresh database.
  const runs: BareFigures[][] = [];
  for (let i = 0; i < BARE_RUNS; i++)
    runs.push(await bareInsert(backend, PG_ADMIN_URL, rows.tests, rows.results, load.reports));
  const bare =
    runs.length === 0
      ? []
      : runs[0].map((first, m) => {
          const sorted = runs.map((r) => r[m]).sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
          return {
            ...sorted[Math.floor(sorted.length / 2)],
            method: `${first.method} (median of ${runs.length}: ${runs.map((r) => int(r[m].rowsPerSecond)).join(" / ")})`,
          };
        });
  return { backend, load, bare };
}

const int = (n: number) => Math.round(n).toLocaleString("en");
const NAMES: Record<BenchBackend, string> = { sqlite: "SQLite", pglite: "PGlite", postgres: "PostgreSQL" };

/** Prints the end-to-end table and the ratio of each backend against the target. */
function report(
  parse: ParseBenchResult | undefined,
  runs: { backend: BenchBackend; load: LoadFigures; bare: BareFigures[] }[],
): void {
  console.log(
    `\nEnd to end: ${TESTS_PER_REPORT.toLocaleString("en")}-test JUnit reports (5% failing with a ~2 KB stack), ${CLIENTS} concurrent clients, target ${int(RESULTS)} results${RESULTS < 1_000_000 ? " (reduced with --results)" : ""}`,
  );
  console.log(
    `server: ${describeServer(SERVER, newestSource())}; machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}\n`,
  );
  console.log(
    "| backend | results stored | seconds | results/s end to end | server CPU s | server RSS max (MB) | bare insert | bare rows/s | end to end / bare |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const { backend, load, bare } of runs) {
    if (bare.length === 0)
      console.log(
        `| ${NAMES[backend]} | ${int(load.results)} | ${load.seconds.toFixed(1)} | ${int(load.resultsPerSecond)} | ${load.serverCpuSeconds.toFixed(1)} | ${load.rssMaxMb.toFixed(0)} | not measured (--bare-runs 0) | | |`,
      );
    const short = `${load.cutShort ? ` (deadline ${DEADLINE_S} s)` : ""}; ${int(load.queued)} of ${int(load.reports)} reports queued (202)`;
    bare.forEach((b, i) => {
      const head =
        i === 0
          ? `| ${NAMES[backend]} | ${int(load.results)}${short} | ${load.seconds.toFixed(1)} | ${int(load.resultsPerSecond)} | ${load.serverCpuSeconds.toFixed(1)} | ${load.rssMaxMb.toFixed(0)} (VmHWM ${load.rssHwmMb.toFixed(0)})`
          : "| | | | | |";
      console.log(
        `${head} | ${b.method} | ${int(b.rowsPerSecond)} | ${((load.resultsPerSecond / b.rowsPerSecond) * 100).toFixed(0)}% |`,
      );
    });
  }
  const tokenizer = parse?.tokenizer.resultsPerSecond;
  console.log(
    tokenizer === undefined
      ? "\nbare tokenizer not measured (--no-parse): the target below uses the bare insert alone"
      : `\nbare tokenizer: ${int(tokenizer)} results/s; parser (streaming): ${int(parse?.parser.resultsPerSecond ?? NaN)} results/s (same report shape)`,
  );
  for (const { backend, load, bare } of runs) {
    if (bare.length === 0) continue;
    const insert = Math.max(...bare.filter((b) => !b.informational).map((b) => b.rowsPerSecond));
    const slower = Math.min(insert, tokenizer ?? Infinity);
    const ratio = load.resultsPerSecond / slower;
    const which = tokenizer !== undefined && tokenizer < insert ? "tokenizer" : "bare insert";
    console.log(
      `${NAMES[backend]}: end to end ${int(load.resultsPerSecond)} results/s = ${(ratio * 100).toFixed(0)}% of the slower bare stage (${which}, ${int(slower)}/s); target ≥ ${TARGET_RATIO * 100}%: ${ratio >= TARGET_RATIO ? "met" : "missed"}`,
    );
  }
}

const WIDE = flag("wide");
const STALL = flag("stall");
if (STALL !== undefined) {
  const backends = (flag("backends") ?? "sqlite").split(",") as BenchBackend[];
  await runStall({ size: Number(STALL), backends, server: SERVER, pgAdminUrl: PG_ADMIN_URL });
} else if (WIDE !== undefined) {
  const sizes = WIDE.split(",").map(Number);
  await runWide({ sizes, backends: BACKENDS, server: SERVER, pgAdminUrl: PG_ADMIN_URL, bareRuns: BARE_RUNS });
} else {
  const parse = process.argv.includes("--no-parse") ? undefined : await runParseBench();
  const bodies = reportBodies();
  const rows = await variantRows("bench-bare", bodies);
  const runs = [];
  for (const backend of BACKENDS) {
    console.error(`bench:ingest: ${NAMES[backend]}…`);
    runs.push(await measureBackend(backend, bodies, rows));
  }
  report(parse, runs);
}
