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
