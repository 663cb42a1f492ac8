// The stage of a report on its way to final verdicts (GET …/reports/:id: stage, scoring, reason), read from
// the database on every backend, and the rescore job writing "scoring N of M" as it goes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_REPORT_JOB } from "../../src/pipeline.ts";
import { queuedReport as queuedReportOf } from "../helpers/ingest.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";

const junit = (tests: number, failing = 0) =>
  `<testsuite name="s">${Array.from({ length: tests }, (_, i) =>
    i < failing
      ? `<testcase classname="s" name="t${i}"><failure message="x"/></testcase>`
      : `<testcase classname="s" name="t${i}"/>`,
  ).join("")}</testsuite>`;

describe.each(BACKENDS)("report progress on %s", (backend) => {
  let t: TestApp;
  let projectId = "";
  const now = Date.UTC(2026, 10, 1);
  const report = async (id: string) => (await t.json("GET", `/api/v1/projects/web/reports/${id}`)).body;
  const upload = async (run: string, xml: string) => {
    const res = await t.request(`/api/v1/projects/web/reports?commit=${run}&branch=main&run=${run}&job=unit`, {
      method: "POST",
      body: xml,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { reports: { id: string }[] }).reports[0].id;
  };
  const queuedReport = (n: number) => queuedReportOf(projectId, n, "progress", `q${n}`, `q${n}`);

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { clock: () => now });
    projectId = (await t.json("POST", "/api/v1/projects", { slug: "web" })).body.id;
  });
  afterAll(() => t?.close());

  it("shows an inline upload stored until its rescore ran, then settled, and settled it stays", async () => {
    const id = await upload("r1", junit(30, 2));
    expect(await report(id)).toMatchObject({ state: "processed", stage: "stored", scoring: null, reason: null });
    await t.app.runJobsOnce();
    expect(await report(id)).toMatchObject({ stage: "settled", scoring: null });
    // The rescore wrote its progress and has finished: every test of the report scored, or none where this
    // process is the only writer (the request scored them all: new tests).
    const scored = t.app.store.onlyWriter ? 0 : 30;
    expect(await t.app.store.progress.rescoreOf(projectId)).toMatchObject({
      done: scored,
      total: scored,
      startedAt: now,
    });
    expect((await t.app.store.progress.rescoreOf(projectId))?.finishedAt).toBe(now);
    // A later upload's pending rescore does not make the settled report look unsettled again.
    const next = await upload("r2", junit(30));
    expect(await report(next)).toMatchObject({ stage: "stored" });
    expect(await report(id)).toMatchObject({ stage: "settled" });
    await t.app.runJobsOnce();
  });

  it("shows a queued report queued, then parsing, then scoring N of M while the project's rescore runs", async () => {
    const [saved] = await t.app.store.reports.saveQueued([queuedReport(1)], now, (orm, reportId) =>
      t.app.store.jobs.enqueueJob({ kind: PROCESS_REPORT_JOB, payload: { reportId, projectId } }, now, orm),
    );
    expect(await report(saved.id)).toMatchObject({ state: "queued", stage: "queued" });
    // What the process-report job notes when it takes the report (jobs/process-report.ts).
    const job = await t.app.store.jobs.claimJob("w", now, 60_000);
    expect(job?.kind).toBe(PROCESS_REPORT_JOB);
    await t.app.store.progress.markStage([saved.id], "parsing", now);
    expect(await report(saved.id)).toMatchObject({ state: "queued", stage: "parsing" });
    await t.app.store.reports.completeReports(
      [{ reportId: saved.id, rows: { format: "junit", counts: {}, tests: [], results: [] } }],
      now,
    );
    // Stored; its process-report job is still pending, so it is not settled.
    expect(await report(saved.id)).toMatchObject({ state: "processed", stage: "stored" });
    await t.app.store.progress.rescoreStarted(projectId, 12_000, now);
    await t.app.store.progress.rescoreAdvanced(projectId, 5_000, now);
    expect(await report(saved.id)).toMatchObject({ stage: "scoring", scoring: { done: 5_000, total: 12_000 } });
    await t.app.store.progress.rescoreAdvanced(projectId, 12_000, now, true);
    expect(await report(saved.id)).toMatchObject({ stage: "stored", scoring: null });
    await t.app.store.jobs.completeJobs([job!.id], now);
    expect(await report(saved.id)).toMatchObject({ stage: "settled" });
  });

  it("shows a failed report failed, with the reason", async () => {
    const [saved] = await t.app.store.reports.saveQueued([queuedReport(2)], now, async () => undefined);
    await t.app.store.reports.failReport(saved.id, { code: "unparseable", message: "not XML at line 1" }, now);
    expect(await report(saved.id)).toMatchObject({ state: "failed", stage: "failed", reason: "not XML at line 1" });
  });
});
