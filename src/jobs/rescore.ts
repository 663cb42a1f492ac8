import { rescoreTests } from "../act/detect.ts";
import { RESCORE_JOB } from "../pipeline.ts";
import type { JobDefinition } from "./registry.ts";

/** Rescores a project's tests from their stored history (the given `testIds`, or all), then records today's counts for the trend. */
export const rescoreJob: JobDefinition = {
  kind: RESCORE_JOB,
  async run(job, deps) {
    const project = await deps.store.projects.getProjectById(String(job.payload.projectId));
    if (!project) return; // deleted since
    const ids = Array.isArray(job.payload.testIds)
      ? (job.payload.testIds as string[])
      : await deps.store.tests.listTestIds(project.id);
    await rescoreTests(deps.store, project, ids, deps.clock(), deps.publish);
    await deps.store.overview.saveDailyCounts(project.id, deps.clock());
  },
};
