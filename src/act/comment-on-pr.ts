import { emitPublish, type PublishTask } from "../github/publish.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";

/** What of an upload's metadata says where its PR comment goes. */
export interface UploadMeta {
  pr?: string | null;
  run?: string | null;
  commit?: string | null;
}

/**
 * After an upload that names a PR and a run: the PR comment of each repository linked to the project is
 * queued in the outbox, when the server can act on it (its App installation, or a token). Not for an upload
 * of duplicates only: its comment was queued the first time.
 */
export async function commentOnPullRequest(
  store: Store,
  github: { app: boolean; token: boolean },
  project: Project,
  meta: UploadMeta,
  outcomes: { id: string; duplicate: boolean }[],
  now: number,
): Promise<void> {
  const pr = Number(meta.pr);
  if (!meta.run || !Number.isInteger(pr) || pr <= 0 || outcomes.every((o) => o.duplicate)) return;
  const app = github.app;
  const repos = (await store.github.repositoriesOf(project.id)).filter(
    (r) => (r.installationId && app) || github.token,
  );
  const tasks = repos.map((r): PublishTask => ({
    what: "pr-comment",
    repo: r.fullName,
    installationId: app ? r.installationId : null,
    projectId: project.id,
    run: meta.run!,
    headSha: meta.commit ?? "",
    pr,
  }));
  await emitPublish(store, tasks, `upload-${outcomes.find((o) => !o.duplicate)!.id}`, now);
}
