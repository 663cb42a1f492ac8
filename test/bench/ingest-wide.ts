// The wide case of `npm run bench:ingest -- --wide 200000,20000` (issue 22): for each size N, ONE JUnit
// report of N distinct tests (test/bench/ingest-wide-report.ts), gzipped and posted with an upload token to
// a fresh server on each backend, timed from the POST to settled verdicts (the project reads
// pendingReports 0 and pendingRescores 0): the answer (201/202), stored (the report no longer queued) and
// settled. Then the same N tests again at a new commit (the steady state of a project), timed the same way.
// Beside them, in the same run and on the same file: the bare tokenizer and a bare insert of the same rows
// into a freshly migrated database of the same kind. Targets: end to end ≥ 50 % of the slower bare stage,
// first upload and steady state; server peak RSS (VmHWM) ≤ 400 MB on SQLite.
// The issue's other cases live beside it: the periodic rescore of a 1,000,000-test project in
// `npm run bench:rescore -- --periodic 1000000`; event-loop lag, /livez and another project's small report
// while a 1,000,000-testcase report is processed in `--stall 1000000`.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { bareInsert, type BareFigures, type BenchBackend } from "./ingest-bare.ts";
import { measureTokenizer } from "./ingest-parse.ts";
import { cpuSeconds, rssMb, withBenchServer, type BenchServer, type ServerKind } from "./ingest-server.ts";
import { gzipped, wideRows, writeWideReport } from "./ingest-wide-report.ts";

/** End to end must reach this share of the slower bare stage; the server's peak RSS on SQLite at most this. */
const TARGET_RATIO = 0.5;
const RSS_TARGET_MB = 400;
/** How long one upload may take to settle before the bench gives up. */
const SETTLE_LIMIT_MS = 30 * 60_000;
const NAMES: Record<BenchBackend, string> = { sqlite: "SQLite", pglite: "PGlite", postgres: "PostgreSQL" };

/** One upload's timings, from the POST. */
interface UploadFigures {
  status: number;
  answerS: number;
  storedS: number;
  settledS: number;
  serverCpuS: number;
  /** VmHWM: peak RSS since the server started, or since the peak was reset before this upload. */
  peakRssMb: number;
}

/** How the wide case is run: sizes, backends, server, where PostgreSQL is, bare-insert runs. */
export interface WideOptions {
  sizes: number[];
  backends: BenchBackend[];
  server: ServerKind;
  pgAdminUrl: string;
  bareRuns: number;
}

const get = async (server: BenchServer, path: string): Promise<unknown> => {
  const response = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${server.uploadToken}` } });
  if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
};

// Resets VmHWM (Linux: "5" to clear_refs), so the steady state's peak is its own; when the kernel refuses,
// the peak stays the one since start, and the table says so.
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Posts one gzipped report and waits for it to be stored, then for the project's verdicts to settle. */
async function upload(server: BenchServer, body: Buffer, commit: string): Promise<UploadFigures> {
  const cpuAtStart = cpuSeconds(server.pid);
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const response = await fetch(
    `${server.base}/projects/bench/reports?commit=${commit}&run=wide-${commit}&branch=main`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.uploadToken}`,
        "content-type": "application/xml",
        "content-encoding": "gzip",
      },
      body: new Uint8Array(body),
    },
  );
  const text = await response.text();
  const answerS = since();
  if (response.status !== 201 && response.status !== 202)
    throw new Error(`upload ${commit}: HTTP ${response.status} ${text.slice(0, 500)}`);
  const id = (JSON.parse(text) as { reports: { id: string }[] }).reports[0].id;
  let storedS = response.status === 201 ? answerS : NaN;
  for (;;) {
    if (Number.isNaN(storedS)) {
      const { state } = (await get(server, `/projects/bench/reports/${id}`)) as { state: string };
      if (state === "failed") throw new Error(`upload ${commit}: the report failed`);
      if (state === "processed") storedS = since();
    }
    if (!Number.isNaN(storedS)) {
      const { counts } = (await get(server, "/projects/bench")) as {
        counts: { pendingReports: number; pendingRescores: number };
      };
      if (counts.pendingReports + counts.pendingRescores === 0) break;
    }
    if (performance.now() - started > SETTLE_LIMIT_MS) throw new Error(`upload ${commit}: not settled in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const settledS = since();
  return {
    status: response.status,
    answerS,
    storedS,
    settledS,
    serverCpuS: cpuSeconds(server.pid) - cpuAtStart,
    peakRssMb: rssMb(server.pid).peak,
  };
}

/** A fresh server on `backend` (a fresh PostgreSQL database too), the two uploads, then stopped. */
async function endToEnd(
  backend: BenchBackend,
  options: WideOptions,
  bodies: Buffer[],
): Promise<{ uploads: UploadFigures[]; peakReset: boolean }> {
  return withBenchServer(backend, options.server, options.pgAdminUrl, "fg_bench_wide", async (server) => {
    const first = await upload(server, bodies[0], "a0000001");
    const peakReset = resetPeak(server.pid);
    const steady = await upload(server, bodies[1], "a0000002");
    return { uploads: [first, steady], peakReset };
  });
}

/** The fastest non-informational bare insert, the median of `runs` runs each into a fresh database. */
async function bareStage(
  backend: BenchBackend,
  options: WideOptions,
  rows: Awaited<ReturnType<typeof wideRows>>,
): Promise<{ best: BareFigures; runs: number[] }> {
  const perRun: number[] = [];
  let best: BareFigures | undefined;
  for (let i = 0; i < options.bareRuns; i++) {
    const figures = await bareInsert(backend, options.pgAdminUrl, rows.tests, [rows.results], 1);
    const fastest = figures.filter((f) => !f.informational).sort((a, b) => b.rowsPerSecond - a.rowsPerSecond)[0];
    perRun.push(fastest.rowsPerSecond);
    if (best === undefined || fastest.rowsPerSecond > best.rowsPerSecond) best = fastest;
  }
  const sorted = [...perRun].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { best: { ...best!, rowsPerSecond: median }, runs: perRun };
}

const int = (n: number) => Math.round(n).toLocaleString("en");
const mark = (ok: boolean) => (ok ? "met" : "missed");

/** Runs every size on every backend and prints one table per size. */
export async function runWide(options: WideOptions): Promise<void> {
  console.log(
    `Wide reports: one report of N distinct tests (~4 % failing with a ~2 KB stack), gzipped; server ${options.server}; load average ${loadavg().join(" ")}`,
  );
  console.log(
    "Beside it: bench:rescore -- --periodic 1000000 (the hourly rescore of a 1,000,000-test project); bench:ingest -- --stall 1000000 (event loop, /livez, another project).",
  );
  for (const size of options.sizes) {
    const dir = mkdtempSync(join(tmpdir(), "flakeguard-wide-bench-"));
    try {
      const paths = [join(dir, "first.xml"), join(dir, "steady.xml")];
      for (const [k, path] of paths.entries()) await writeWideReport(path, size, k);
      const bodies = [await gzipped(paths[0]), await gzipped(paths[1])];
      const rows = await wideRows(paths[0]);
      console.error(`bench:ingest --wide ${size}: bare tokenizer…`);
      const tokenizer = measureTokenizer(paths[0]);
      const lines: string[] = [];
      for (const backend of options.backends) {
        console.error(`bench:ingest --wide ${size}: ${NAMES[backend]} end to end…`);
        const { uploads, peakReset } = await endToEnd(backend, options, bodies);
        console.error(`bench:ingest --wide ${size}: ${NAMES[backend]} bare insert…`);
        const bare = await bareStage(backend, options, rows);
        const slower = Math.min(bare.best.rowsPerSecond, tokenizer.resultsPerSecond);
        const which = tokenizer.resultsPerSecond < bare.best.rowsPerSecond ? "tokenizer" : "insert";
        uploads.forEach((u, k) => {
          const ratio = rows.results.length / u.settledS / slower;
          const rss =
            backend === "sqlite" && k === 0
              ? `${u.peakRssMb.toFixed(0)} (≤ ${RSS_TARGET_MB}: ${mark(u.peakRssMb <= RSS_TARGET_MB)})`
              : `${u.peakRssMb.toFixed(0)}${k === 1 && !peakReset ? " (since start)" : ""}`;
          lines.push(
            `| ${k === 0 ? NAMES[backend] : ""} | ${k === 0 ? "first" : "steady state"} | ${u.status} in ${u.answerS.toFixed(1)} | ${u.storedS.toFixed(1)} | ${u.settledS.toFixed(1)} | ${u.serverCpuS.toFixed(1)} | ${rss} | ${k === 0 ? `${bare.best.method}: ${int(bare.best.rowsPerSecond)} (${bare.runs.map(int).join(" / ")})` : ""} | ${int(slower)} (${which}) | ${(ratio * 100).toFixed(1)}% (${mark(ratio >= TARGET_RATIO)}) |`,
          );
        });
      }
      const mb = (path: string) => (statSync(path).size / 1e6).toFixed(1);
      console.log(
        `\n${int(size)} distinct tests: ${mb(paths[0])} MB XML, ${(bodies[0].length / 1e6).toFixed(1)} MB gzipped, ${int(rows.results.length)} result rows; bare tokenizer ${int(tokenizer.resultsPerSecond)} results/s (median of its runs, ${tokenizer.seconds.toFixed(2)} s)\n`,
      );
      console.log(
        "| backend | upload | answer (HTTP, s) | stored (s) | settled (s) | server CPU s | peak RSS MB | bare insert rows/s (median; runs) | slower bare stage /s | end to end / slower bare (≥ 50 %) |",
      );
      console.log("|---|---|---|---|---|---|---|---|---|---|");
      for (const line of lines) console.log(line);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
