import { RESCORE_JOB } from "../model/job.ts";
import type { Store } from "../store/index.ts";
import type { Project } from "../model/project.ts";
import type { EventStore } from "../store/events.ts";
import type { NewProject, ProjectStore } from "../store/projects.ts";

/** Creates a project and records who made it. */
export async function createProject(
  deps: { projects: ProjectStore; events: EventStore },
  input: NewProject,
  actor: string,
  now: number,
): Promise<Project> {
  const project = await deps.projects.createProject(input, now);
  await deps.events.recordEvent(
    { projectId: project.id, kind: "project.created", actor, data: { slug: project.slug } },
    now,
  );
  return project;
}

/**
 * What a project holds and what is still in progress: reports, queued reports, and the rescores that will
 * still change a verdict — rescore jobs queued, waiting for a burst to end, delayed or running, and reports
 * being processed (queued or claimed: each queues its tests' rescore before its job completes). Once both
 * read 0, verdicts are current with every stored report (docs/detection.md, "Settled").
 */
export async function projectCounts(
  store: Store,
  projectId: string,
): Promise<{ reports: number; pendingReports: number; pendingRescores: number }> {
  const [reports, rescores, processing] = await Promise.all([
    store.reports.countReports(projectId),
    store.jobs.countPendingJobs(RESCORE_JOB, projectId),
    store.jobs.countPendingJobs("process-report", projectId),
  ]);
  return { ...reports, pendingRescores: rescores + processing };
}
