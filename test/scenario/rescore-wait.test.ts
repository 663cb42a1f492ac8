// During a burst a project's rescore waits while its reports are still queued (merged into one job that
// looks again a second later), for at most RESCORE_MAX_WAIT_MS; storing the last queued report hurries it.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS } from "../../src/jobs/registry.ts";
import { RESCORE_MAX_WAIT_MS, rescoreJob } from "../../src/jobs/rescore.ts";
import { runNextJob } from "../../src/jobs/worker.ts";
import { createLogger } from "../../src/lib/log.ts";
import { RESCORE_JOB, type Job } from "../../src/model/job.ts";
import { jobDeps } from "../helpers/job-deps.ts";
import { createStore, type Store } from "../../src/store/index.ts";
import type { NewReport } from "../../src/store/reports.ts";
import { PROCESS_REPORT_JOB, type Uploads } from "../../src/pipeline.ts";
import { BACKENDS, freshDb, type TestDb } from "../helpers/backends.ts";

describe.each(BACKENDS)("rescore during a burst on %s", (backend) => {
  let tdb: TestDb;
  let store: Store;
  let projectId = "";
  const ids = ["rw-a", "rw-b", "rw-c"];
  let n = 0;
  const newReport = (): NewReport => {
    n++;
    return {
      projectId,
      commit: `c${n}`,
      branch: "main",
      pr: null,
      run: `r${n}`,
      job: "unit",
      attempt: 1,
      variant: "",
      filename: null,
      dedupeKey: `rw-${n}`,
      contentHash: `h${n}`,
      format: "junit",
      rawSize: 0,
      raw: new Uint8Array([1]),
    };
  };
  const deps = (now: number) => jobDeps(store, () => now);
  const claimRescores = async (now: number): Promise<Job<"rescore">[]> => {
    const first = await store.jobs.claimJob("w", now, 60_000);
    if (first && first.kind !== RESCORE_JOB) throw new Error(`a ${first.kind} job, not a rescore`);
    return first ? [first, ...(await store.jobs.claimJobsOfKind("w", now, 60_000, RESCORE_JOB, 10))] : [];
  };
  const queuedRescores = () =>
    tdb.db.rows<{ payload: unknown; runAt: number | string }>(
      sql`select payload, run_at as "runAt" from jobs where kind = 'rescore' and state = 'queued'`,
    );
  const scored = async () =>
    Number((await tdb.db.rows<{ n: number | string }>(sql`select count(*) as n from verdicts`))[0].n);

  beforeAll(async () => {
    tdb = await freshDb(backend);
    store = createStore(tdb.db);
    projectId = (await store.projects.createProject({ slug: "rw", name: "RW", defaultBranch: "main" }, 1)).id;
    const tests = ids.map((id) => ({ id, projectId, suite: "s", name: id, file: "" }));
    const results = ids.map((testId) => ({
      testId,
      attempt: 1,
      status: "passed" as const,
      final: true,
      durationMs: 1,
      message: null,
      stack: null,
      fingerprint: null,
      output: null,
    }));
    await store.reports.saveProcessed(
      [{ report: newReport(), rows: { format: "junit", counts: {}, tests, results } }],
      1000,
    );
  });
  afterAll(() => tdb?.cleanup());

  it("waits while the project has queued reports: one merged job looks again a second later", async () => {
    const [queued] = await store.reports.saveQueued([newReport()], 2000, async () => undefined);
    expect(await store.reports.hasQueuedReports(projectId)).toBe(true);
    await store.jobs.enqueueJob({ kind: RESCORE_JOB, payload: { projectId, testIds: ids.slice(0, 2) } }, 10_000);
    await store.jobs.enqueueJob({ kind: RESCORE_JOB, payload: { projectId, testIds: ids.slice(1) } }, 10_000);
    const jobs = await claimRescores(10_000);
    expect(jobs).toHaveLength(2);
    expect(await rescoreJob.runBatch!(jobs, deps(10_000))).toEqual(new Map());
    await store.jobs.completeJobs(
      jobs.map((j) => j.id),
      10_000,
    );
    expect(await scored()).toBe(0);
    const waiting = await queuedRescores();
    expect(waiting).toHaveLength(1);
    expect(Number(waiting[0].runAt)).toBe(11_000);
    const payload = (typeof waiting[0].payload === "string" ? JSON.parse(waiting[0].payload) : waiting[0].payload) as {
      testIds: string[];
      waitingSince: number;
    };
    expect({ ...payload, testIds: [...payload.testIds].sort() }).toEqual({
      projectId,
      waitingSince: 10_000,
      testIds: ids,
    });

    // Still queued a second later: it waits again, keeping when it started waiting.
    const again = await claimRescores(11_000);
    await rescoreJob.run(again[0], deps(11_000));
    await store.jobs.completeJobs([again[0].id], 11_000);
    expect(await scored()).toBe(0);
    expect(await queuedRescores()).toHaveLength(1);

    // Storing the project's last queued report hurries the waiting job: due now, not at 12,000.
    await store.reports.completeReports(
      [{ reportId: queued.id, rows: { format: "junit", counts: {}, tests: [], results: [] } }],
      11_500,
    );
    expect(await store.reports.hasQueuedReports(projectId)).toBe(false);
    // Not a rescore due later for another reason (an inline upload's, waiting for its analysis; a retry).
    const later = await store.jobs.enqueueJob(
      { kind: RESCORE_JOB, payload: { projectId, testIds: ids }, runAt: 70_000 },
      11_500,
    );
    expect(await store.jobs.hurryJobs(RESCORE_JOB, projectId, 11_500)).toBe(1);
    await store.jobs.completeJobs([later], 11_500);
    expect(await store.jobs.hurryJobs(RESCORE_JOB, "another-project", 11_500)).toBe(0);
    const due = await claimRescores(11_500);
    expect(due).toHaveLength(1);
    await rescoreJob.run(due[0], deps(11_500));
    await store.jobs.completeJobs([due[0].id], 11_500);
    expect(await scored()).toBe(3);
    expect(await queuedRescores()).toHaveLength(0);
  });

  it("waits no longer than RESCORE_MAX_WAIT_MS however many reports keep coming", async () => {
    await store.reports.saveQueued([newReport()], 20_000, async () => undefined);
    const since = 20_000;
    await store.jobs.enqueueJob(
      { kind: RESCORE_JOB, payload: { projectId, testIds: ids, waitingSince: since } },
      since + RESCORE_MAX_WAIT_MS,
    );
    const before = await tdb.db.rows<{ at: number | string }>(sql`select max(updated_at) as at from verdicts`);
    const [job] = await claimRescores(since + RESCORE_MAX_WAIT_MS);
    await rescoreJob.run(job, deps(since + RESCORE_MAX_WAIT_MS));
    await store.jobs.completeJobs([job.id], since + RESCORE_MAX_WAIT_MS);
    const after = await tdb.db.rows<{ at: number | string }>(sql`select max(updated_at) as at from verdicts`);
    expect(Number(after[0].at)).toBe(since + RESCORE_MAX_WAIT_MS);
    expect(Number(after[0].at)).toBeGreaterThan(Number(before[0].at));
    expect(await store.reports.hasQueuedReports(projectId)).toBe(true);
  });

  it("fails a report whose processing was given up on, so it holds back neither pendingReports nor rescores", async () => {
    const pendingBefore = (await store.reports.countReports(projectId)).pendingReports + 1;
    const [queued] = await store.reports.saveQueued([newReport()], 40_000, (orm, reportId) =>
      store.jobs.enqueueJob(
        { kind: PROCESS_REPORT_JOB, payload: { reportId, projectId }, maxAttempts: 2 },
        40_000,
        orm,
      ),
    );
    const broken = {
      processQueued: async () => {
        throw new Error("disk on fire");
      },
    } as unknown as Uploads;
    const worker = {
      jobs: store.jobs,
      registry: JOBS,
      deps: jobDeps(store, () => 40_000, { uploads: broken }),
      log: createLogger("silent"),
      clock: () => 40_000,
    };
    expect(await runNextJob(worker, "w")).toBe(true); // first attempt: retried later
    expect((await store.reports.getReport(projectId, queued.id))?.state).toBe("queued");
    expect(await runNextJob({ ...worker, clock: () => 10_000_000 }, "w")).toBe(true); // last attempt: given up
    expect(await store.reports.getReport(projectId, queued.id)).toMatchObject({
      state: "failed",
      error: { code: "processing_failed", message: "processing failed 2 times; last error: disk on fire" },
    });
    expect((await store.reports.countReports(projectId)).pendingReports).toBe(pendingBefore - 1);
  });
});
