import { rescoreTests } from "../act/detect.ts";
import { RESCORE_JOB } from "../model/job.ts";
import type { Job } from "../model/job.ts";
import type { JobDeps, JobDefinition } from "./registry.ts";

/** Rescore jobs taken at once: during a burst every stored batch queues one, mostly for the same tests. */
const RESCORE_JOBS_PER_RUN = 256;

/** Rescores a project's tests from their stored history (the given `testIds`, or all), then records today's counts for the trend. */
export const rescoreJob: JobDefinition = {
  kind: RESCORE_JOB,
  async run(job, deps) {
    await rescoreProject(deps, String(job.payload.projectId), testIdsOf(job));
  },
  // Due rescore jobs are merged per project, so a test named by many of them is scored once.
  async runBatch(jobs, deps) {
    const byProject = new Map<string, { jobs: Job[]; testIds: Set<string> | "all" }>();
    for (const job of jobs) {
      const projectId = String(job.payload.projectId);
      const entry = byProject.get(projectId) ?? { jobs: [], testIds: new Set<string>() };
      entry.jobs.push(job);
      const ids = testIdsOf(job);
      if (ids === "all") entry.testIds = "all";
      else if (entry.testIds !== "all") for (const id of ids) entry.testIds.add(id);
      byProject.set(projectId, entry);
    }
    const errors = new Map<number, unknown>();
    for (const [projectId, entry] of byProject) {
      try {
        await rescoreProject(deps, projectId, entry.testIds === "all" ? "all" : [...entry.testIds]);
      } catch (e) {
        for (const job of entry.jobs) errors.set(job.id, e);
      }
    }
    return errors;
  },
  batchSize: () => RESCORE_JOBS_PER_RUN,
};

function testIdsOf(job: Job): string[] | "all" {
  return Array.isArray(job.payload.testIds) ? (job.payload.testIds as string[]) : "all";
}

async function rescoreProject(deps: JobDeps, projectId: string, testIds: string[] | "all"): Promise<void> {
  const project = await deps.store.projects.getProjectById(projectId);
  if (!project) return; // deleted since
  const ids = testIds === "all" ? await deps.store.tests.listTestIds(project.id) : testIds;
  await rescoreTests(deps.store, project, ids, deps.clock(), deps.publish);
  await deps.store.overview.saveDailyCounts(project.id, deps.clock());
}
