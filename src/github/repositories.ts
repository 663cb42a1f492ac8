/**
 * Which project a repository reports into. A repository the App is installed on is linked to the
 * project whose slug is the repository's name (created when missing); when that project already
 * belongs to another repository, `owner-name` is used instead. Links survive uninstalling.
 */
import { createProject } from "../accounts/projects.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";
import { ensureGitHubIntegration } from "./publish.ts";

/** A project slug from a repository name: lower case, anything outside [a-z0-9._-] becomes '-'. */
export function slugFor(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 100);
  return slug || "repo";
}

/** The repository's project, linking (and creating) one when it has none. */
export async function linkRepository(
  store: Store,
  fullName: string,
  installationId: string | null,
  now: number,
): Promise<Project> {
  const existing = await store.github.getRepository(fullName);
  if (existing) {
    if (existing.installationId !== installationId && installationId !== null)
      await store.github.linkRepository({ ...existing, installationId }, now);
    const project = await store.projects.getProjectById(existing.projectId);
    if (project) return project;
  }
  const [owner, name] = fullName.split("/");
  let project: Project | undefined;
  for (const slug of [slugFor(name ?? fullName), slugFor(`${owner}-${name}`)]) {
    const found = await store.projects.getProject(slug);
    if (found && (await store.github.repositoriesOf(found.id)).length > 0) continue;
    project = found ?? (await createProject(store, { slug, name: fullName, defaultBranch: "main" }, "github", now));
    break;
  }
  if (!project) throw new Error(`no free project slug for repository ${fullName}`);
  await store.github.linkRepository({ fullName, installationId, projectId: project.id }, now);
  await ensureGitHubIntegration(store, project.id, now);
  await store.events.recordEvent(
    {
      projectId: project.id,
      kind: "github.repository.linked",
      actor: "github",
      data: { repository: fullName, installationId },
    },
    now,
  );
  return project;
}

/** The project of a linked repository, if it is linked. */
export async function projectOfRepository(
  store: Store,
  fullName: string,
): Promise<{ project: Project; installationId: string | null } | undefined> {
  const link = await store.github.getRepository(fullName);
  if (!link) return undefined;
  const project = await store.projects.getProjectById(link.projectId);
  return project ? { project, installationId: link.installationId } : undefined;
}
