// The stall case of `npm run bench:ingest -- --stall 1000000` (issue 22): ONE JUnit report of N testcases
// (default 1,000,000, tiny ones: ~60 MB of XML, ~2–3 MB gzipped, within the documented limits) posted with
// an upload token to a fresh server on each backend, and while it is processed:
// - /livez every 250 ms (the latency of each answer: max and p99; a request that takes 30 s is aborted),
// - the server's event-loop lag (prom-client's `flakeguard_nodejs_eventloop_lag_*`, reset by a scrape just
//   before the upload and read once it settled: p99 and max over the whole run),
// - a 3-test report of ANOTHER project every 3 s, each timed from its POST until that project reads
//   pendingReports 0 and pendingRescores 0.
// Targets: lag p99 ≤ 100 ms, /livez always < 1 s, every small report settled within 5 s.
import { gzipSync } from "node:zlib";
import { loadavg } from "node:os";
import type { BenchBackend } from "./ingest-bare.ts";
import { call, cpuSeconds, rssMb, withBenchServer, type BenchServer, type ServerKind } from "./ingest-server.ts";

const LAG_P99_TARGET_MS = 100;
const LIVEZ_TARGET_MS = 1000;
const SMALL_SETTLED_TARGET_S = 5;
const LIVEZ_EVERY_MS = 250;
const LIVEZ_TIMEOUT_MS = 30_000;
const SMALL_EVERY_MS = 3000;
/** How long the big report may take to settle before the bench gives up. */
const SETTLE_LIMIT_MS = 60 * 60_000;
const NAMES: Record<BenchBackend, string> = { sqlite: "SQLite", pglite: "PGlite", postgres: "PostgreSQL" };

/** How the stall case is run: size, backends, server, where PostgreSQL is. */
export interface StallOptions {
  size: number;
  backends: BenchBackend[];
  server: ServerKind;
  pgAdminUrl: string;
}

/** What one backend's run measured. */
interface StallFigures {
  answerS: number;
  storedS: number;
  settledS: number;
  serverCpuS: number;
  peakRssMb: number;
  livezMs: number[];
  livezFailed: number;
  lagP99Ms: number;
  lagMaxMs: number;
  smallSettledS: number[];
}

/** The big report: N tiny distinct testcases, 50 per class, one in 1,000 failing with a one-line message. */
export function stallReport(size: number): Buffer {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stall">\n'];
  for (let i = 0; i < size; i++) {
    const cls = `m${Math.floor(i / 20_000)}.C${Math.floor(i / 50)}`;
    if (i % 50 === 0) parts.push(`<testsuite name="${cls}">\n`);
    parts.push(
      i % 1000 === 7
        ? `<testcase classname="${cls}" name="t${i}" time="0.001"><failure message="boom ${i % 7}"/></testcase>\n`
        : `<testcase classname="${cls}" name="t${i}" time="0.001"/>\n`,
    );
    if (i % 50 === 49 || i === size - 1) parts.push("</testsuite>\n");
  }
  parts.push("</testsuites>\n");
  return gzipSync(Buffer.from(parts.join("")));
}

/** A 3-test report (one of them failing every other time), different on each `k`. */
function smallReport(k: number): Buffer {
  const failing = k % 2 === 0 ? `<failure message="flaky ${k}"/>` : "";
  return Buffer.from(
    `<testsuite name="small"><testcase classname="s.A" name="one" time="0.${k % 10}"/>` +
      `<testcase classname="s.A" name="two" time="0.01">${failing}</testcase>` +
      `<testcase classname="s.A" name="three" time="0.02"/></testsuite>\n`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * fetch, again on a reset connection: a server whose event loop was blocked closes idle keep-alive
 * connections as soon as it runs again, under a request the client just sent on one (ECONNRESET).
 */
async function fetchAgain(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof TypeError)) throw e;
      await sleep(100);
    }
  }
}

/** Posts a report; answers its id. */
async function post(server: BenchServer, token: string, path: string, body: Buffer, gzip: boolean): Promise<string> {
  const response = await fetchAgain(`${server.base}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/xml",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    },
    body: new Uint8Array(body),
  });
  const text = await response.text();
  if (response.status !== 201 && response.status !== 202)
    throw new Error(`POST ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { reports: { id: string }[] }).reports[0].id;
}

async function pending(server: BenchServer, token: string, slug: string): Promise<number> {
  const response = await fetchAgain(`${server.base}/projects/${slug}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`GET ${slug}: HTTP ${response.status}`);
  const { counts } = (await response.json()) as { counts: { pendingReports: number; pendingRescores: number } };
  return counts.pendingReports + counts.pendingRescores;
}

/** p99 and max of the event-loop lag since the last scrape (prom-client resets its histogram on each). */
async function lag(server: BenchServer): Promise<{ p99Ms: number; maxMs: number }> {
  const text = await (await fetchAgain(`http://127.0.0.1:${server.port}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN) * 1000;
  return {
    p99Ms: read("flakeguard_nodejs_eventloop_lag_p99_seconds"),
    maxMs: read("flakeguard_nodejs_eventloop_lag_max_seconds"),
  };
}

/** Samples /livez every LIVEZ_EVERY_MS until `done()`: each answer's latency, and how many failed or timed out. */
async function sampleLivez(server: BenchServer, done: () => boolean): Promise<{ ms: number[]; failed: number }> {
  const ms: number[] = [];
  let failed = 0;
  while (!done()) {
    const started = performance.now();
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/livez`, {
        signal: AbortSignal.timeout(LIVEZ_TIMEOUT_MS),
      });
      await response.text();
      if (response.status !== 200) failed++;
    } catch {
      failed++;
    }
    const took = performance.now() - started;
    ms.push(took);
    await sleep(Math.max(0, LIVEZ_EVERY_MS - took));
  }
  return { ms, failed };
}

/** Posts a 3-test report of project `other` every SMALL_EVERY_MS until `done()`; each one's time to settle (s). */
async function smallReports(server: BenchServer, token: string, done: () => boolean): Promise<number[]> {
  const settled: number[] = [];
  for (let k = 0; !done(); k++) {
    const started = performance.now();
    await post(server, token, `/projects/other/reports?commit=c${k}&run=small-${k}&branch=main`, smallReport(k), false);
    while ((await pending(server, token, "other")) > 0) await sleep(100);
    settled.push((performance.now() - started) / 1000);
    await sleep(Math.max(0, SMALL_EVERY_MS - (performance.now() - started)));
  }
  return settled;
}

/** One backend: a fresh server, the big upload with the samplers running beside it until it settled. */
async function measure(server: BenchServer, body: Buffer): Promise<StallFigures> {
  const admin = server.adminToken;
  await call(`${server.base}/projects`, admin, { slug: "other" });
  const { token: otherToken } = (await call(`${server.base}/projects/other/tokens`, admin, {})) as { token: string };
  await lag(server); // resets the histogram: what the end reads is this run's
  const cpuAtStart = cpuSeconds(server.pid);
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  let settled = false;
  let answered = false;
  const livez = sampleLivez(server, () => settled);
  const id = await post(
    server,
    server.uploadToken,
    "/projects/bench/reports?commit=b1&run=stall-1&branch=main",
    body,
    true,
  );
  const answerS = since();
  answered = true;
  const small = smallReports(server, otherToken, () => settled || !answered);
  let storedS = NaN;
  try {
    for (;;) {
      const { state } = (await (
        await fetchAgain(`${server.base}/projects/bench/reports/${id}`, {
          headers: { authorization: `Bearer ${server.uploadToken}` },
        })
      ).json()) as { state: string };
      if (Number.isNaN(storedS) && state === "processed") storedS = since();
      if (state === "failed") throw new Error("the big report failed");
      if ((await pending(server, server.uploadToken, "bench")) === 0) break;
      if (performance.now() - started > SETTLE_LIMIT_MS) throw new Error("the big report did not settle in time");
      await sleep(500);
    }
  } finally {
    settled = true;
  }
  const settledS = since();
  const serverCpuS = cpuSeconds(server.pid) - cpuAtStart;
  const [{ ms, failed }, smallSettledS] = await Promise.all([livez, small]);
  const { p99Ms, maxMs } = await lag(server);
  return {
    answerS,
    storedS,
    settledS,
    serverCpuS,
    peakRssMb: rssMb(server.pid).peak,
    livezMs: ms,
    livezFailed: failed,
    lagP99Ms: p99Ms,
    lagMaxMs: maxMs,
    smallSettledS,
  };
}

async function onBackend(backend: BenchBackend, options: StallOptions, body: Buffer): Promise<StallFigures> {
  return withBenchServer(backend, options.server, options.pgAdminUrl, "fg_bench_stall", (server) =>
    measure(server, body),
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const mark = (ok: boolean) => (ok ? "met" : "missed");

/** Runs the stall case on every backend and prints one table. */
export async function runStall(options: StallOptions): Promise<void> {
  {
    const body = stallReport(options.size);
    console.log(
      `Stall: one report of ${options.size.toLocaleString("en")} testcases (${(body.length / 1e6).toFixed(1)} MB gzipped) and, beside it, /livez every ${LIVEZ_EVERY_MS} ms and a 3-test report of another project every ${SMALL_EVERY_MS / 1000} s; server ${options.server}; load average ${loadavg().join(" ")}\n`,
    );
    console.log(
      `| backend | answer (s) | stored (s) | settled (s) | server CPU s | peak RSS MB | lag p99 ms (≤ ${LAG_P99_TARGET_MS}) | lag max ms | /livez p99 / max ms (< ${LIVEZ_TARGET_MS}; failed) | small reports settled s: median / max (≤ ${SMALL_SETTLED_TARGET_S}; n) |`,
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const backend of options.backends) {
      console.error(`bench:ingest --stall ${options.size}: ${NAMES[backend]}…`);
      const f = await onBackend(backend, options, body);
      const livezMax = Math.max(...f.livezMs);
      const smallMax = Math.max(...f.smallSettledS);
      console.log(
        `| ${NAMES[backend]} | ${f.answerS.toFixed(1)} | ${f.storedS.toFixed(1)} | ${f.settledS.toFixed(1)} | ${f.serverCpuS.toFixed(1)} | ${f.peakRssMb.toFixed(0)} | ${f.lagP99Ms.toFixed(0)} (${mark(f.lagP99Ms <= LAG_P99_TARGET_MS)}) | ${f.lagMaxMs.toFixed(0)} | ${percentile(f.livezMs, 99).toFixed(0)} / ${livezMax.toFixed(0)} (${mark(livezMax < LIVEZ_TARGET_MS && f.livezFailed === 0)}; ${f.livezFailed} of ${f.livezMs.length}) | ${percentile(f.smallSettledS, 50).toFixed(1)} / ${smallMax.toFixed(1)} (${mark(smallMax <= SMALL_SETTLED_TARGET_S)}; ${f.smallSettledS.length}) |`,
      );
    }
    console.log(`\nload average at the end ${loadavg().join(" ")}`);
  }
}
