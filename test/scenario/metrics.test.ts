// /metrics after real uploads, on every backend: ingest counters and histograms, parse failures by reason,
// job durations and last success, queue depth and age, tests per project, build info.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const report = (name: string, cases: string) => `<testsuite name="${name}">${cases}</testsuite>`;
const PASSING = report(
  "a",
  `<testcase classname="c" name="one"/><testcase classname="c" name="two"/><testcase classname="c" name="three"><skipped/></testcase>`,
);

/** The value of one sample, e.g. `flakeguard_parse_failures_total{reason="malformed"}`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe.each(BACKENDS)("metrics on %s", (backend) => {
  let t: TestApp;
  let now = Date.UTC(2026, 2, 1, 10, 0, 0);
  const scrape = async () => {
    const res = await t.request("/metrics", { token: null });
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    return res.text();
  };
  beforeAll(async () => {
    t = await startTestApp(backend, { inlineMaxBytes: 2048 }, { clock: () => now });
    await t.json("POST", "/api/v1/projects", { slug: "web" });
  });
  afterAll(() => t?.close());

  it("counts reports, results and parse failures by reason as they are uploaded", async () => {
    const post = (body: string, q = "") => t.request(`/api/v1/projects/web/reports${q}`, { method: "POST", body });
    expect((await post(PASSING, "?commit=a1")).status).toBe(201);
    expect((await post(PASSING, "?commit=a1")).status).toBe(201); // a duplicate: not counted again
    expect((await post("<testsuite><testcase name='x'>", "?commit=a2")).status).toBe(400); // malformed
    expect((await post("just some text, not a report", "?commit=a3")).status).toBe(415); // unsupported format
    const text = await scrape();
    expect(sample(text, "flakeguard_reports_ingested_total", { format: "junit" })).toBe(1);
    expect(sample(text, "flakeguard_results_ingested_total")).toBe(3);
    expect(sample(text, "flakeguard_parse_failures_total", { reason: "malformed" })).toBe(1);
    expect(sample(text, "flakeguard_parse_failures_total", { reason: "unsupported_format" })).toBe(1);
    expect(sample(text, "flakeguard_ingest_duration_seconds_count", { mode: "inline" })).toBe(2); // the duplicate was handled too
    expect(sample(text, "flakeguard_build_info", { backend })).toBe(1);
    expect(text).toMatch(/flakeguard_build_info\{version="[^"]+",backend="[^"]+",runtime="[^"]+"\} 1/);
    expect(
      sample(text, "flakeguard_http_requests_total", { route: "/api/v1/projects/:project/reports", status: "201" }),
    ).toBe(2);
  });

  it("shows the queue backing up, then the job's duration and last success once a worker ran it", async () => {
    await t.app.runJobsOnce(); // the rescore the inline upload before queued: only the report below waits
    // Over inlineMaxBytes: stored raw and queued for the worker.
    const big = report("b", Array.from({ length: 100 }, (_, i) => `<testcase classname="c" name="q${i}"/>`).join(""));
    expect((await t.request("/api/v1/projects/web/reports?commit=b1", { method: "POST", body: big })).status).toBe(202);
    now += 31_000; // past the 30 s cache of database counts, and the job has waited 31 s
    let text = await scrape();
    expect(sample(text, "flakeguard_queue_depth", { state: "queued" })).toBe(1);
    expect(sample(text, "flakeguard_queue_oldest_age_seconds")).toBe(31);
    expect(sample(text, "flakeguard_job_last_success_timestamp_seconds", { kind: "process-report" })).toBeUndefined();

    expect(await t.app.runJobsOnce()).toBeGreaterThanOrEqual(1);
    now += 31_000;
    text = await scrape();
    expect(sample(text, "flakeguard_queue_depth", { state: "queued" })).toBe(0);
    expect(sample(text, "flakeguard_queue_oldest_age_seconds")).toBe(0);
    expect(sample(text, "flakeguard_job_last_success_timestamp_seconds", { kind: "process-report" })).toBe(
      (now - 31_000) / 1000,
    );
    expect(sample(text, "flakeguard_job_duration_seconds_count", { kind: "process-report", outcome: "ok" })).toBe(1);
    expect(sample(text, "flakeguard_reports_ingested_total", { format: "junit" })).toBe(2);
    expect(sample(text, "flakeguard_results_ingested_total")).toBe(103);
    expect(sample(text, "flakeguard_ingest_duration_seconds_count", { mode: "queued" })).toBe(1);
  });

  it("shows tests per project by status, quarantined ones too, without per-test labels", async () => {
    const tests = (await t.json("GET", "/api/v1/projects/web/tests?limit=500")).body.tests as {
      id: string;
      status: string;
    }[];
    expect(
      (
        await t.json("POST", "/api/v1/projects/web/quarantine", {
          testId: tests[0].id,
          reason: "hangs on CI",
          owner: "ana",
        })
      ).status,
    ).toBe(201);
    now += 31_000;
    const text = await scrape();
    const byStatus = Object.fromEntries(
      [...text.matchAll(/^flakeguard_tests\{project="web",status="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
    );
    expect(byStatus.quarantined).toBe(1);
    const expected: Record<string, number> = {};
    for (const x of tests) expected[x.status] = (expected[x.status] ?? 0) + 1;
    for (const [status, n] of Object.entries(expected)) if (status !== "quarantined") expect(byStatus[status]).toBe(n);
    expect(text).not.toMatch(/^flakeguard_tests\{[^}]*test(_id)?=/m);
  });
});

describe("metrics behind metricsToken", () => {
  let t: TestApp;
  const TOKEN = "scrape-me-0123456789abcdef";
  beforeAll(async () => {
    t = await startTestApp("sqlite", { metricsToken: TOKEN });
  });
  afterAll(() => t?.close());

  it("answers 401 without the token or with another one (an admin token included), 200 with it", async () => {
    for (const token of [null, "scrape-me-0123456789abcdeX", t.admin]) {
      const res = await t.request("/metrics", { token });
      expect(res.status, String(token)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await res.json()).error.message).toMatch(/metricsToken/);
    }
    const ok = await t.request("/metrics", { token: TOKEN });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^flakeguard_build_info/m);
    // Health stays open for probes.
    expect((await t.request("/livez", { token: null })).status).toBe(200);
  });
});
