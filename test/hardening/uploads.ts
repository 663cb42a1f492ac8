// A stream of distinct uploads for fault tests: which got a 2xx, and how to check afterwards that each is stored whole.
import { expect } from "vitest";
import { eventually, type Served } from "./served.ts";

/** Tests per upload: a report is stored whole when exactly this many of its tests exist. */
export const TESTS_PER_UPLOAD = 20;

/** Upload `n` of a stream: its own test names (k<n>z_…), padded past the inline limit when `queued`. */
export function streamReport(n: number, queued: boolean): string {
  const pad = queued ? `<system-out>${"p".repeat(12_000)}</system-out>` : "";
  const cases = Array.from(
    { length: TESTS_PER_UPLOAD },
    (_, i) => `<testcase classname="crash" name="k${n}z_t${i}" time="0.01">${i === 0 ? pad : ""}</testcase>`,
  );
  return `<testsuite name="crash">${cases.join("")}</testsuite>`;
}

/** What a stream of uploads saw. */
export interface StreamLog {
  attempted: number[];
  acknowledged: { n: number; id: string; status: number }[];
  failures: { n: number; status: number | string }[];
}

/**
 * Uploads from `connections` loops until `stop()` resolves; every third report is large enough to be queued.
 * `accept` says which failure statuses are expected (a 503 during a database restart); others fail the test.
 */
export async function uploadStream(
  s: Served,
  connections: number,
  stop: Promise<unknown>,
  accept: (status: number | string) => boolean = () => true,
): Promise<StreamLog> {
  const log: StreamLog = { attempted: [], acknowledged: [], failures: [] };
  let stopped = false;
  void stop.then(() => (stopped = true));
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (!stopped) {
        const n = next++;
        log.attempted.push(n);
        try {
          const res = await s.api(`/api/v1/projects/p/reports?commit=c${n}`, {
            method: "POST",
            body: streamReport(n, n % 3 === 0),
            signal: AbortSignal.timeout(30_000),
          });
          const body = (await res.json()) as { reports?: { id: string }[] };
          if (res.status === 201 || res.status === 202)
            log.acknowledged.push({ n, id: body.reports![0].id, status: res.status });
          else {
            log.failures.push({ n, status: res.status });
            expect(accept(res.status), `upload ${n}: ${res.status} ${JSON.stringify(body)}`).toBe(true);
          }
        } catch (e) {
          log.failures.push({ n, status: (e as Error).message });
          if (stopped) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
  return log;
}

/** Every acknowledged upload is processed with all its tests; every other one is stored whole or not at all. */
export async function expectStoredWhole(s: Served, log: StreamLog): Promise<void> {
  await eventually(
    async () => {
      const project = (await (await s.api("/api/v1/projects/p", {}, s.admin)).json()) as {
        counts: { pendingReports: number };
      };
      return project.counts.pendingReports === 0;
    },
    180_000,
    "no pending reports",
  );
  for (const { n, id } of log.acknowledged) {
    const report = (await (await s.api(`/api/v1/projects/p/reports/${id}`)).json()) as {
      state: string;
      counts: { tests: number } | null;
    };
    expect(report.state, `acknowledged upload ${n}`).toBe("processed");
    expect(report.counts?.tests, `acknowledged upload ${n}`).toBe(TESTS_PER_UPLOAD);
  }
  const acknowledged = new Set(log.acknowledged.map((a) => a.n));
  for (const n of log.attempted) {
    const found = (await (await s.api(`/api/v1/projects/p/tests?q=k${n}z_&limit=100`)).json()) as { tests: unknown[] };
    if (acknowledged.has(n)) expect(found.tests.length, `tests of acknowledged upload ${n}`).toBe(TESTS_PER_UPLOAD);
    else expect([0, TESTS_PER_UPLOAD], `tests of unacknowledged upload ${n}`).toContain(found.tests.length);
  }
}
