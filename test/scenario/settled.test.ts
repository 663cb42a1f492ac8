// What "settled" counts (accounts/projects.ts projectCounts): every rescore that will still change a verdict, on
// every backend — and a project's rescores never run side by side on two workers.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectCounts } from "../../src/accounts/projects.ts";
import { RESCORE_JOB } from "../../src/model/job.ts";
import { PROCESS_REPORT_JOB } from "../../src/pipeline.ts";
import { queuedReport as queuedReportOf } from "../helpers/ingest.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";

const LEASE = 60_000;

describe.each(BACKENDS)("settled on %s", (backend) => {
  let t: TestApp;
  let projectId = "";
  const now = Date.UTC(2026, 10, 1);
  const counts = async () =>
    (await t.json("GET", "/api/v1/projects/web")).body.counts as { pendingReports: number; pendingRescores: number };
  const queuedReport = (n: number) => queuedReportOf(projectId, n, "settled");

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { clock: () => now });
    projectId = (await t.json("POST", "/api/v1/projects", { slug: "web" })).body.id;
  });
  afterAll(() => t?.close());

  it("counts the rescore of every test of an inline upload until the worker ran it, and hurries only its own", async () => {
    // Another upload's rescore, still waiting for that upload's analysis.
    const other = await t.app.store.jobs.enqueueJob(
      { kind: RESCORE_JOB, payload: { projectId, testIds: [] }, runAt: now + LEASE },
      now,
    );
    const xml = `<testsuite name="s"><testcase classname="s" name="passes"/><testcase classname="s" name="fails"><failure message="x"/></testcase></testsuite>`;
    const res = await t.request("/api/v1/projects/web/reports?commit=c0&branch=main&run=r0&job=unit", {
      method: "POST",
      body: xml,
    });
    expect(res.status).toBe(201);
    // Due now that the upload's analysis is done: on PostgreSQL (other replicas may write) the failing test to
    // score and the passing one to score unless its verdict is clean when the rescore runs.
    const jobs = await t.app.store.db.rows<{ id: number | string; payload: unknown; runAt: number | string }>(
      sql`select id, payload, run_at as "runAt" from jobs where kind = 'rescore' and state = 'queued' order by id`,
    );
    expect(jobs.map((j) => [Number(j.id) === other, Number(j.runAt)])).toEqual([
      [true, now + LEASE],
      [false, now],
    ]);
    const payload = (typeof jobs[1].payload === "string" ? JSON.parse(jobs[1].payload) : jobs[1].payload) as {
      testIds: string[];
      passes: Record<string, string[]>;
    };
    if (t.app.store.onlyWriter) {
      // Both were scored in the request from a history holding the upload, and no other process writes.
      expect(payload).toMatchObject({ testIds: [], passes: {} });
    } else {
      expect(payload.testIds).toHaveLength(1);
      expect(payload.passes[""]).toHaveLength(1);
    }
    expect(await counts()).toMatchObject({ pendingReports: 0, pendingRescores: 2 });
    await t.app.runJobsOnce();
    expect(await counts()).toMatchObject({ pendingReports: 0, pendingRescores: 1 });
    await t.app.store.jobs.hurryJob(other, now);
    await t.app.runJobsOnce();
    expect(await counts()).toMatchObject({ pendingReports: 0, pendingRescores: 0 });
  });

  it("counts a report whose results are stored but whose rescore is not queued yet", async () => {
    const [saved] = await t.app.store.reports.saveQueued([queuedReport(1)], now, (orm, reportId) =>
      t.app.store.jobs.enqueueJob({ kind: PROCESS_REPORT_JOB, payload: { reportId, projectId } }, now, orm),
    );
    expect(await projectCounts(t.app.store, projectId)).toMatchObject({ pendingReports: 1, pendingRescores: 1 });
    const job = await t.app.store.jobs.claimJob("w", now, LEASE);
    expect(job?.kind).toBe(PROCESS_REPORT_JOB);
    // Stored by the claimed job; its findings and rescore come next, before the job completes.
    await t.app.store.reports.completeReports(
      [{ reportId: saved.id, rows: { format: "junit", counts: {}, tests: [], results: [] } }],
      now,
    );
    expect(await projectCounts(t.app.store, projectId)).toMatchObject({ pendingReports: 0, pendingRescores: 1 });
    await t.app.store.jobs.completeJobs([job!.id], now);
    expect(await projectCounts(t.app.store, projectId)).toMatchObject({ pendingReports: 0, pendingRescores: 0 });
  });

  it("hands a project's rescore to no second worker while one runs it; another project's, and its own batch, yes", async () => {
    const enqueue = (project: string) =>
      t.app.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload: { projectId: project, testIds: [] } }, now);
    for (const p of [projectId, projectId, "other", projectId]) await enqueue(p);
    const first = await t.app.store.jobs.claimJob("w1", now, LEASE);
    expect(first).toMatchObject({ kind: RESCORE_JOB, payload: { projectId } });
    const second = await t.app.store.jobs.claimJobsOfKind("w2", now, LEASE, RESCORE_JOB, 10);
    expect(second.map((j) => j.payload.projectId)).toEqual(["other"]);
    // The first worker's batch takes the project's other due rescores, to merge them.
    expect(
      (await t.app.store.jobs.claimJobsOfKind("w1", now, LEASE, RESCORE_JOB, 10)).map((j) => j.payload.projectId),
    ).toEqual([projectId, projectId]);
    // A lease run out (its worker died) does not hold the project back.
    await enqueue(projectId);
    expect(await t.app.store.jobs.claimJobsOfKind("w2", now, LEASE, RESCORE_JOB, 10)).toEqual([]);
    expect(
      (await t.app.store.jobs.claimJobsOfKind("w2", now + LEASE + 1, LEASE, RESCORE_JOB, 10)).length,
    ).toBeGreaterThanOrEqual(1);
  });
});
