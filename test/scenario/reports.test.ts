// Uploading reports on every backend: formats, gzip, multipart, idempotency, refusals that store nothing,
// the queue for large reports.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";
import { CORPUS } from "../helpers/corpus.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { RESCORE_JOB } from "../../src/model/job.ts";
import { BURST_BACKLOG_MAX, PROCESS_REPORT_JOB } from "../../src/pipeline.ts";

const corpus = (p: string) => readFileSync(join(CORPUS, p));

const JUNIT = `<?xml version="1.0"?>
<testsuite name="math" tests="3">
  <testcase classname="math.Add" name="adds" time="0.01"/>
  <testcase classname="math.Add" name="flaps" time="0.02"><failure message="expected 1 got 2">at add.js:10</failure></testcase>
  <testcase classname="math.Add" name="flaps" time="0.02"/>
  <testcase classname="math.Sub" name="skips"><skipped/></testcase>
</testsuite>`;

async function count(t: TestApp, table: string): Promise<number> {
  const rows = await t.app.store.db.rows<{ n: number | string }>(sql.raw(`select count(*) as n from ${table}`));
  return Number(rows[0].n);
}

describe.each(BACKENDS)("report upload on %s", (backend) => {
  let t: TestApp;
  let upload: string;
  beforeAll(async () => {
    t = await startTestApp(backend, { inlineMaxBytes: 64 * 1024 });
    await t.json("POST", "/api/v1/projects", { slug: "web" });
    upload = (await t.json("POST", "/api/v1/projects/web/tokens", {})).body.token;
  });
  afterAll(() => t?.close());

  const post = (body: BodyInit, query = "", headers: Record<string, string> = {}) =>
    t.request(`/api/v1/projects/web/reports${query}`, { method: "POST", body, headers, token: upload });

  it("stores a JUnit report with its retries and answers 201 with counts", async () => {
    const res = await post(
      JUNIT,
      "?commit=abc123&branch=main&run=77&job=unit&attempt=2&variant=os=linux&variant=node=24",
      { "content-type": "application/xml" },
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.reports).toHaveLength(1);
    expect(body.reports[0]).toMatchObject({ status: "processed", duplicate: false, format: "junit" });
    expect(body.reports[0].counts).toMatchObject({ tests: 3, passed: 2, skipped: 1, flaky: 1, attempts: 4 });
    const got = await t.json("GET", `/api/v1/projects/web/reports/${body.reports[0].id}`, undefined, upload);
    expect(got.body).toMatchObject({
      state: "processed",
      format: "junit",
      commit: "abc123",
      branch: "main",
      run: "77",
      job: "unit",
      attempt: 2,
      variant: { node: "24", os: "linux" },
      counts: { tests: 3 },
    });
    expect(await count(t, "results")).toBe(4);
    expect(await count(t, "tests")).toBe(3);
  });

  it("gives the same report id for the same content and metadata, also concurrently, and stores results once", async () => {
    const before = await count(t, "results");
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(JUNIT, "?commit=dup1")));
    const ids = new Set<string>();
    for (const a of answers) {
      // One is processed in its request; the rest arrive while it is, so they are stored raw and queued (202).
      expect([201, 202]).toContain(a.status);
      ids.add((await a.json()).reports[0].id);
    }
    expect(ids.size).toBe(1);
    await t.app.runJobsOnce();
    expect(await count(t, "results")).toBe(before + 4);
    expect((await t.json("GET", "/api/v1/projects/web")).body.counts.pendingReports).toBe(0);
    const again = await (await post(JUNIT, "?commit=dup1")).json();
    expect(again.reports[0]).toMatchObject({ id: [...ids][0], duplicate: true });
    const otherCommit = await (await post(JUNIT, "?commit=dup2")).json();
    expect(otherCommit.reports[0].id).not.toBe([...ids][0]);
  });

  it("accepts gzip, stacked gzip, and sniffs CTRF JSON", async () => {
    const gz = await post(gzipSync(corpus("junit/enricomi/pytest/junit.fail.xml")), "?commit=gz", {
      "content-encoding": "gzip",
    });
    expect(gz.status).toBe(201);
    const twice = await post(gzipSync(gzipSync(JUNIT)), "?commit=gz2", { "content-encoding": "gzip, gzip" });
    expect(twice.status).toBe(201);
    const ctrf = await post(corpus("ctrf/with-retries.json"), "?commit=ctrf");
    expect(ctrf.status).toBe(201);
    expect((await ctrf.json()).reports[0]).toMatchObject({ format: "ctrf", counts: { tests: 2, flaky: 1 } });
  });

  it("takes several files in one multipart upload", async () => {
    const form = new FormData();
    form.append("file", new Blob([corpus("trx/enricomi/mstest/pickles.trx")]), "pickles.trx");
    form.append("file", new Blob([corpus("xunit/enricomi/mstest/fixie.xml")]), "fixie.xml");
    form.append("file", new Blob([gzipSync(JUNIT)], { type: "application/gzip" }), "junit.xml.gz");
    const res = await post(form, "?commit=multi");
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.reports.map((r: { format: string }) => r.format)).toEqual(["trx", "xunit", "junit"]);
  });

  it("refuses what is not a report with a 4xx naming the problem, and stores nothing", async () => {
    const reports = await count(t, "reports");
    const results = await count(t, "results");
    for (const [file, status] of [
      ["invalid/enricomi/non-xml.xml", [400, 415, 422]],
      ["invalid/enricomi/corrupt-xml.xml", [400, 422]],
      ["invalid/enricomi/non-junit.xml", [415, 422]],
      ["invalid/enricomi/empty.xml", [400, 415, 422]],
      ["invalid/enricomi/non-json.json", [400, 415, 422]],
    ] as const) {
      const res = await post(corpus(file), `?commit=${encodeURIComponent(file)}`);
      expect(status, file).toContain(res.status);
      const body = await res.json();
      expect(body.error.message.length, file).toBeGreaterThan(10);
    }
    // one bad file among good ones refuses the whole upload
    const form = new FormData();
    form.append("file", new Blob([JUNIT]), "good.xml");
    form.append("file", new Blob(["<html><body>oops</body></html>"]), "bad.xml");
    const mixed = await post(form, "?commit=mixed");
    expect(mixed.status).toBeGreaterThanOrEqual(400);
    expect((await mixed.json()).error.message).toContain("bad.xml");
    expect(await count(t, "reports")).toBe(reports);
    expect(await count(t, "results")).toBe(results);
    expect((await t.request("/readyz")).status).toBe(200);
  });

  it("refuses bad metadata, a bad encoding and a body over the limit", async () => {
    expect((await post(JUNIT, "?attempt=zero")).status).toBe(400);
    expect((await post(JUNIT, "?variant=novalue")).status).toBe(400);
    expect((await post(JUNIT, "?format=pdf")).status).toBe(400);
    expect((await post(JUNIT, "", { "content-encoding": "br" })).status).toBe(415);
    expect((await post("not gzip at all", "", { "content-encoding": "gzip" })).status).toBe(400);
  });

  it("queues a large report (202), processes it in the worker, and counts it pending until then", async () => {
    const cases = Array.from(
      { length: 2000 },
      (_, i) => `<testcase classname="big.Suite" name="case ${i}" time="0.001"/>`,
    ).join("\n");
    const big = `<testsuite name="big">${cases}</testsuite>`;
    const res = await post(big, "?commit=big");
    expect(res.status).toBe(202);
    const { reports } = await res.json();
    expect(reports[0].status).toBe("queued");
    expect((await t.json("GET", "/api/v1/projects/web")).body.counts.pendingReports).toBe(1);
    expect((await t.json("GET", `/api/v1/projects/web/reports/${reports[0].id}`)).body.state).toBe("queued");
    await t.app.runJobsOnce();
    const done = await t.json("GET", `/api/v1/projects/web/reports/${reports[0].id}`);
    expect(done.body).toMatchObject({ state: "processed", counts: { tests: 2000, passed: 2000 } });
    expect((await t.json("GET", "/api/v1/projects/web")).body.counts.pendingReports).toBe(0);
  });

  it("marks a queued report that cannot be parsed as failed, with the parse error", async () => {
    const broken = `<testsuite name="big">${"<testcase classname='a' name='b'/>".repeat(3000)}<testcase name="unclosed">`;
    const res = await post(broken, "?commit=broken");
    expect(res.status).toBe(202);
    const id = (await res.json()).reports[0].id;
    await t.app.runJobsOnce();
    const got = await t.json("GET", `/api/v1/projects/web/reports/${id}`);
    expect(got.body.state).toBe("failed");
    expect(got.body.error.message).toMatch(/./);
  });

  it("refuses another project's token and touches nothing", async () => {
    await t.json("POST", "/api/v1/projects", { slug: "other" });
    const res = await t.request("/api/v1/projects/other/reports", { method: "POST", body: JUNIT, token: upload });
    expect(res.status).toBe(403);
    expect((await t.json("GET", "/api/v1/projects/other")).body.counts.reports).toBe(0);
  });
});

describe.each(BACKENDS)("uploads in a burst on %s", (backend) => {
  let t: TestApp;
  let upload: string;
  beforeAll(async () => {
    // No upload is processed in its request: as when more arrive at once than inlineConcurrency allows.
    t = await startTestApp(backend, { inlineConcurrency: 0 });
    await t.json("POST", "/api/v1/projects", { slug: "web" });
    upload = (await t.json("POST", "/api/v1/projects/web/tokens", {})).body.token;
  });
  afterAll(() => t?.close());

  const post = (body: string, commit: string) =>
    t.request(`/api/v1/projects/web/reports?commit=${commit}&branch=main`, {
      method: "POST",
      body,
      headers: { "content-type": "application/xml" },
      token: upload,
    });

  it("answers 202 once stored raw, then stores the queued reports in one batch, an unreadable one marked failed", async () => {
    const answers = [];
    for (const [i, body] of [JUNIT, JUNIT, `<testsuite name="math"><testcase name="unclosed">`, JUNIT].entries()) {
      const res = await post(body, `c${i}`);
      expect(res.status).toBe(202);
      answers.push((await res.json()).reports[0] as { id: string; status: string });
    }
    expect(answers.map((a) => a.status)).toEqual(["queued", "queued", "queued", "queued"]);
    expect((await t.json("GET", "/api/v1/projects/web")).body.counts.pendingReports).toBe(4);

    await t.app.runJobsOnce();
    const states = await Promise.all(
      answers.map(async (a) => (await t.json("GET", `/api/v1/projects/web/reports/${a.id}`)).body),
    );
    expect(states.map((s) => s.state)).toEqual(["processed", "processed", "failed", "processed"]);
    expect(states[0].counts).toMatchObject({ tests: 3, flaky: 1, attempts: 4 });
    expect(states[2].error.code).toBe("malformed");
    expect(await count(t, "results")).toBe(12);
    expect((await t.json("GET", "/api/v1/projects/web")).body.counts.pendingReports).toBe(0);
    // One batch: the worker claimed all four jobs at once and timed one queued ingest.
    const metrics = await (await t.request("/metrics", { token: null })).text();
    expect(metrics).toMatch(/^flakeguard_ingest_duration_seconds_count\{mode="queued"\} 1$/m);
    const jobs = await t.app.store.db.rows<{ state: string; attempts: number | string }>(
      sql.raw("select state, attempts from jobs where kind = 'process-report'"),
    );
    expect(jobs.map((j) => [j.state, Number(j.attempts)])).toEqual([
      ["done", 1],
      ["done", 1],
      ["done", 1],
      ["done", 1],
    ]);
    // The batch was scored like uploads processed one by one: the retried test is flaky evidence.
    const tests = (await t.json("GET", "/api/v1/projects/web/tests?limit=10")).body.tests as { name: string }[];
    expect(tests.map((x) => x.name).sort()).toEqual(["adds", "flaps", "skips"]);
  });
  it("scores queued reports through rescore jobs, shown as pending, and takes a project's due rescores in one run", async () => {
    const project = (await t.json("GET", "/api/v1/projects/web")).body as {
      id: string;
      counts: { pendingRescores: number };
    };
    expect(project.counts.pendingRescores).toBe(0); // the first test's batch was rescored by runJobsOnce
    const ids = await t.app.store.tests.listTestIds(project.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const part of [ids.slice(0, 2), ids.slice(1)]) {
      await t.app.store.jobs.enqueueJob(
        { kind: RESCORE_JOB, payload: { projectId: project.id, testIds: part } },
        Date.now(),
      );
    }
    expect((await t.json("GET", "/api/v1/projects/web")).body.counts.pendingRescores).toBe(2);
    expect(await t.app.runJobsOnce()).toBe(1); // one run took both jobs
    expect((await t.json("GET", "/api/v1/projects/web")).body.counts.pendingRescores).toBe(0);
    const jobs = await t.app.store.db.rows<{ state: string }>(sql.raw("select state from jobs where kind = 'rescore'"));
    expect(jobs.every((j) => j.state === "done")).toBe(true);
  });
  it("queues an upload past a long backlog but answers only once the queue drains (backpressure)", async () => {
    await t.app.store.db.tx(async (orm) => {
      for (let i = 0; i < BURST_BACKLOG_MAX; i++)
        await t.app.store.jobs.enqueueJob(
          { kind: PROCESS_REPORT_JOB, payload: { reportId: `gone-${i}`, projectId: "gone" } },
          Date.now(),
          orm,
        );
    });
    let answered = false;
    const pending = post(JUNIT, "backpressure").then((res) => {
      answered = true;
      return res;
    });
    // Queued before the answer waits: durable whatever the client does.
    await expect.poll(() => count(t, "reports where commit_sha = 'backpressure'"), { timeout: 5_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600)); // three looks at the backlog
    expect(answered).toBe(false);
    await t.app.runJobsOnce();
    const res = await pending;
    expect(res.status).toBe(202);
    const report = (await res.json()).reports[0] as { id: string; status: string };
    expect(report.status).toBe("queued");
    expect((await t.json("GET", `/api/v1/projects/web/reports/${report.id}`)).body).toMatchObject({
      state: "processed",
      counts: { tests: 3 },
    });
  });
});
