import { rescoreProgress } from "../act/progress.ts";
import { rescoreTests } from "../act/rescore.ts";
import { RESCORE_JOB } from "../model/job.ts";
import type { Job, JobPayloads } from "../model/job.ts";
import type { JobDeps, JobDefinition } from "./definition.ts";

/** Rescore jobs taken at once: during a burst every stored batch queues one, mostly for the same tests. */
const RESCORE_JOBS_PER_RUN = 256;

/**
 * How long a project's rescore waits, at most, while reports of the project are still queued. During a burst
 * every stored batch queues a rescore of mostly the same tests; run as soon as each came up, every test was
 * scored again after every batch (bench:ingest, 2,000 tests: half of PostgreSQL's throughput went to scoring).
 * Waiting scores a burst's tests once per this interval, and once more as soon as its last report is stored.
 */
export const RESCORE_MAX_WAIT_MS = 15_000;
/** How often a waiting rescore looks again whether the project's queued reports are stored. */
const RESCORE_WAIT_STEP_MS = 1_000;

/** Rescores a project's tests from their stored history (the given `testIds`, or all), then records today's counts for the trend. */
export const rescoreJob: JobDefinition<"rescore"> = {
  kind: RESCORE_JOB,
  async run(job, deps) {
    const failed = (await rescoreJobs([job], deps)).get(job.id);
    if (failed) throw failed;
  },
  // Due rescore jobs are merged per project, so a test named by many of them is scored once.
  runBatch: rescoreJobs,
  batchSize: () => RESCORE_JOBS_PER_RUN,
};

/** Merges rescore jobs per project, then rescores each project, or queues the merged job again while its reports are being stored. */
async function rescoreJobs(jobs: Job<"rescore">[], deps: JobDeps): Promise<Map<number, unknown>> {
  const byProject = new Map<string, { jobs: Job<"rescore">[]; testIds: Set<string> | "all"; since: number }>();
  const now = deps.clock();
  for (const job of jobs) {
    const { projectId, waitingSince, testIds: ids } = job.payload;
    const entry = byProject.get(projectId) ?? { jobs: [], testIds: new Set<string>(), since: now };
    entry.jobs.push(job);
    if (waitingSince !== undefined) entry.since = Math.min(entry.since, waitingSince);
    if (ids === undefined) entry.testIds = "all";
    else if (entry.testIds !== "all") for (const id of ids) entry.testIds.add(id);
    byProject.set(projectId, entry);
  }
  const errors = new Map<number, unknown>();
  for (const [projectId, entry] of byProject) {
    const testIds = entry.testIds === "all" ? "all" : [...entry.testIds];
    try {
      if (now - entry.since < RESCORE_MAX_WAIT_MS && (await deps.store.reports.hasQueuedReports(projectId))) {
        // One job in place of these (they complete): the batch that stores the last queued report hurries it.
        const payload: JobPayloads["rescore"] = {
          projectId,
          waitingSince: entry.since,
          ...(testIds === "all" ? {} : { testIds }),
        };
        await deps.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload, runAt: now + RESCORE_WAIT_STEP_MS }, now);
        continue;
      }
      await rescoreProject(deps, projectId, testIds);
    } catch (e) {
      for (const job of entry.jobs) errors.set(job.id, e);
    }
  }
  return errors;
}

async function rescoreProject(deps: JobDeps, projectId: string, testIds: string[] | "all"): Promise<void> {
  const project = await deps.store.projects.getProjectById(projectId);
  if (!project) return; // deleted since
  const ids = testIds === "all" ? await deps.store.tests.listTestIds(project.id) : testIds;
  // Written where every replica reads it: the reports this rescore covers show "scoring N of M".
  const progress = rescoreProgress(deps.store, project.id, deps.clock);
  await progress.start(ids.length);
  let done = 0;
  try {
    await rescoreTests(deps.store, project, ids, deps.clock(), deps.publish, (n) => {
      done = n;
      return progress.progress(n);
    });
  } finally {
    await progress.finish(done);
  }
  await deps.store.overview.saveDailyCounts(project.id, deps.clock());
}
