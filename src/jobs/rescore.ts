import { mergeNeeds, testsNeedingScore } from "../act/findings.ts";
import { rescoreProgress } from "../act/progress.ts";
import { recomputeClusters } from "../act/clusters.ts";
import { HISTORY_LIMIT, rescoreTests } from "../act/rescore.ts";
import type { ScoringNeeds } from "../model/job.ts";
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

/**
 * Rescores a project's tests from their stored history (the given `testIds`, its flaky and quarantined ones
 * with `unsettled`, or all), then records today's counts for the trend.
 */
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

/** What the due rescore jobs of one project ask for, merged. */
interface ProjectRescore {
  jobs: Job<"rescore">[];
  /** Every test, or what the reports need (and the flaky and quarantined tests, with `unsettled`). */
  needs: ScoringNeeds | "all";
  unsettled: boolean;
  since: number;
}

/** Merges rescore jobs per project, then rescores each project, or queues the merged job again while its reports are being stored. */
async function rescoreJobs(jobs: Job<"rescore">[], deps: JobDeps): Promise<Map<number, unknown>> {
  const byProject = new Map<string, ProjectRescore>();
  const now = deps.clock();
  for (const job of jobs) {
    const { projectId, waitingSince, testIds, passes, unsettled } = job.payload;
    const entry: ProjectRescore = byProject.get(projectId) ?? {
      jobs: [],
      needs: { testIds: [], passes: {} },
      unsettled: false,
      since: now,
    };
    entry.jobs.push(job);
    if (waitingSince !== undefined) entry.since = Math.min(entry.since, waitingSince);
    // Without scoring on ingest the tick is the only scoring there is: it scores every test.
    if (unsettled && deps.config.scoreOnIngest) entry.unsettled = true;
    else if (testIds === undefined) entry.needs = "all";
    else if (entry.needs !== "all") entry.needs = mergeNeeds(entry.needs, { testIds, passes: passes ?? {} });
    byProject.set(projectId, entry);
  }
  const errors = new Map<number, unknown>();
  for (const [projectId, entry] of byProject) {
    try {
      if (now - entry.since < RESCORE_MAX_WAIT_MS && (await deps.store.reports.hasQueuedReports(projectId))) {
        // One job in place of these (they complete): the batch that stores the last queued report hurries it.
        const needs = entry.needs === "all" ? undefined : entry.needs; // no ids: every test
        const payload: JobPayloads["rescore"] = {
          projectId,
          waitingSince: entry.since,
          ...(needs ? { testIds: needs.testIds } : {}),
          ...(needs && Object.keys(needs.passes).length > 0 ? { passes: needs.passes } : {}),
          ...(needs && entry.unsettled ? { unsettled: true as const } : {}),
        };
        await deps.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload, runAt: now + RESCORE_WAIT_STEP_MS }, now);
        continue;
      }
      await rescoreProject(deps, projectId, entry);
    } catch (e) {
      for (const job of entry.jobs) errors.set(job.id, e);
    }
  }
  return errors;
}

async function rescoreProject(deps: JobDeps, projectId: string, entry: ProjectRescore): Promise<void> {
  const project = await deps.store.projects.getProjectById(projectId);
  if (!project) return; // deleted since
  const { store } = deps;
  // Written where every replica reads it: the reports this rescore covers show "scoring N of M".
  const progress = rescoreProgress(store, project.id, deps.clock);
  let started = false;
  let done = 0;
  let chosen: string[] = [];
  // Chosen under the project's lock: which passes are left out depends on the verdicts stored when it runs.
  const choose = async (): Promise<string[]> => {
    const ids = await testsToChoose(store, project.id, entry);
    await progress.start(ids.length);
    started = true;
    chosen = ids;
    return ids;
  };
  try {
    await rescoreTests(store, project, choose, deps.clock(), deps.publish, (n) => {
      done = n;
      return progress.progress(n);
    });
  } finally {
    if (started) await progress.finish(done);
  }
  // Co-failure clusters move when flaky tests fail: once per rescore job whose reports failed one (the tests the
  // reports made it score; a pass moves them little, and the hourly tick's rescore of the flaky tests catches up).
  const failed = entry.needs === "all" || entry.unsettled ? chosen : entry.needs.testIds;
  if (deps.config.clusters)
    await store.rescores.run(project.id, () => recomputeClusters(store, project, failed, HISTORY_LIMIT, deps.clock()));
  await store.overview.saveDailyCounts(project.id, deps.clock());
}

/** The tests a project's merged rescore scores: every one, or what its reports need plus, `unsettled`, the flaky and quarantined. */
async function testsToChoose(store: JobDeps["store"], projectId: string, entry: ProjectRescore): Promise<string[]> {
  if (entry.needs === "all") return store.tests.listTestIds(projectId);
  const ids = await testsNeedingScore(store, projectId, entry.needs);
  if (!entry.unsettled) return ids;
  const [flaky, held] = await Promise.all([
    store.verdicts.testIdsWithStatus(projectId, "flaky"),
    store.quarantine.listActive(projectId),
  ]);
  return [...new Set([...ids, ...flaky, ...held.map((q) => q.testId)])];
}
