// The load of the end-to-end ingest bench: concurrent clients post 2,000-test reports (each with its own
// commit and run, so none is a duplicate) until a number of results is stored or a deadline passes,
// while the server's RSS is sampled.
import type { BenchServer } from "./ingest-server.ts";
import { cpuSeconds, rssMb } from "./ingest-server.ts";
import { TESTS_PER_REPORT } from "./ingest-reports.ts";

/** What one end-to-end run measured. */
export interface LoadFigures {
  reports: number;
  /** Of those, how many were answered 202 and processed by the queue (the rest in their request). */
  queued: number;
  results: number;
  seconds: number;
  resultsPerSecond: number;
  /** Server RSS: the most sampled while loading, and VmHWM (peak since start) at the end. */
  rssMaxMb: number;
  /** CPU seconds the server used during the load (all its threads): steadier than wall time on a shared machine. */
  serverCpuSeconds: number;
  rssHwmMb: number;
  /** True when the deadline stopped the run before `target` results. */
  cutShort: boolean;
}

/** Posts reports from `clients` loops until `target` results are stored or `deadlineMs` has passed. */
export async function runLoad(
  server: BenchServer,
  bodies: Uint8Array<ArrayBuffer>[],
  target: number,
  clients: number,
  deadlineMs: number,
): Promise<LoadFigures> {
  const wanted = Math.ceil(target / TESTS_PER_REPORT);
  let next = 0;
  let done = 0;
  let queued = 0;
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(server.pid).now)), 250);
  const cpuAtStart = cpuSeconds(server.pid);
  const started = performance.now();
  const stopAt = started + deadlineMs;
  const client = async (): Promise<void> => {
    while (next < wanted && performance.now() < stopAt) {
      const k = next++;
      const url = `${server.base}/projects/bench/reports?commit=${(0x1000000 + k).toString(16)}&run=bench-${k}&branch=main`;
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${server.uploadToken}`, "content-type": "application/xml" },
        body: bodies[k % bodies.length],
      });
      const text = await response.text();
      // 201: stored and processed in the request; 202: stored raw, processed by the queue (a burst).
      if (response.status !== 201 && response.status !== 202)
        throw new Error(`report ${k}: HTTP ${response.status} ${text.slice(0, 500)}`);
      const { reports } = JSON.parse(text) as { reports: { duplicate: boolean; counts?: { attempts?: number } }[] };
      if (reports[0].duplicate) throw new Error(`report ${k} was taken for a duplicate`);
      if (response.status === 202) queued++;
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, client));
    // Stored means processed: wait until the queue has processed every report and rescored their tests
    // (queued reports are scored by rescore jobs), and check none failed.
    for (;;) {
      const response = await fetch(`${server.base}/projects/bench`, {
        headers: { authorization: `Bearer ${server.uploadToken}` },
      });
      const counts = ((await response.json()) as { counts?: { pendingReports: number; pendingRescores: number } })
        .counts;
      if (counts === undefined) throw new Error(`GET /projects/bench: HTTP ${response.status} without counts`);
      const pending = counts.pendingReports + counts.pendingRescores;
      if (pending === 0) break;
      if (performance.now() > stopAt + 600_000)
        throw new Error(`${pending} reports or rescores still queued 10 minutes after the deadline`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const rss = rssMb(server.pid);
  const results = done * TESTS_PER_REPORT;
  return {
    reports: done,
    queued,
    results,
    seconds,
    resultsPerSecond: results / seconds,
    rssMaxMb: Math.max(rssMax, rss.now),
    rssHwmMb: rss.peak,
    cutShort: results < target,
    serverCpuSeconds: cpuSeconds(server.pid) - cpuAtStart,
  };
}
