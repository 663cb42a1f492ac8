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
  await deps.events.recordEvent({ projectId: project.id, kind: "project.created", actor, data: { slug: project.slug } }, now);
  return project;
}

/** What a project holds and what is still in progress: reports, queued reports, and queued rescores of its tests (verdicts not yet current). */
export async function projectCounts(store: Store, projectId: string): Promise<{ reports: number; pendingReports: number; pendingRescores: number }> {
  const [reports, pendingRescores] = await Promise.all([
    store.reports.countReports(projectId), store.jobs.countPendingJobs(RESCORE_JOB, projectId),
  ]);
  return { ...reports, pendingRescores };
}
