/** What each webhook event does once its delivery is taken from the queue. */
import type { Uploads } from "../pipeline.ts";
import type { Store } from "../store/index.ts";
import type { GitHubDelivery } from "../store/github.ts";
import { performAction } from "./actions.ts";
import { GitHubError } from "./client.ts";
import { ingestWorkflowRun, type WorkflowRun } from "./ingest.ts";
import { emitPublish, type PublishTask } from "./publish.ts";
import { linkRepository, projectOfRepository } from "./repositories.ts";
import type { GitHub } from "./service.ts";

/** What processing a delivery may use. */
export interface WebhookDeps {
  gh: GitHub;
  store: Store;
  uploads: Uploads;
  clock: () => number;
}

interface Repo {
  full_name: string;
}
interface Payload {
  action?: string;
  installation?: { id: number; account?: { login?: string } };
  repository?: Repo;
  repositories?: Repo[];
  repositories_added?: Repo[];
  repositories_removed?: Repo[];
  workflow_run?: WorkflowRun;
  check_run?: { id: number; head_sha: string; external_id: string | null; name: string };
  requested_action?: { identifier: string };
  sender?: { login: string };
}

/** Processes one delivery; returns what it did. Errors GitHub will not fix by retrying are thrown as GitHubError. */
export async function processDelivery(d: WebhookDeps, delivery: GitHubDelivery): Promise<string> {
  const p = delivery.payload as Payload;
  const installationId = p.installation ? String(p.installation.id) : null;
  const now = d.clock();
  switch (delivery.event) {
    case "installation": {
      if (!installationId) return "no installation";
      if (p.action === "deleted" || p.action === "suspend") {
        await d.store.github.removeInstallation(installationId, now);
        return `installation ${installationId} removed`;
      }
      await d.store.github.saveInstallation(installationId, p.installation?.account?.login ?? "", now);
      for (const r of p.repositories ?? []) await linkRepository(d.store, r.full_name, installationId, now);
      return `installation ${installationId}: ${p.repositories?.length ?? 0} repositories linked`;
    }
    case "installation_repositories": {
      if (!installationId) return "no installation";
      await d.store.github.saveInstallation(installationId, p.installation?.account?.login ?? "", now);
      for (const r of p.repositories_added ?? []) await linkRepository(d.store, r.full_name, installationId, now);
      for (const r of p.repositories_removed ?? []) await d.store.github.detachRepository(r.full_name, now);
      return `repositories +${p.repositories_added?.length ?? 0} -${p.repositories_removed?.length ?? 0}`;
    }
    case "workflow_run":
      return p.action === "completed" && p.workflow_run && p.repository
        ? workflowRunCompleted(
            d,
            delivery.id,
            p.repository.full_name,
            installationId,
            p.repository.full_name.split("/")[0],
            p.workflow_run,
          )
        : "ignored";
    case "check_run":
      if (p.action === "rerequested") return rerequested(d, delivery.id, p, installationId);
      return p.action === "requested_action" ? requestedAction(d, delivery.id, p, installationId) : "ignored";
    default:
      return "ignored";
  }
}

async function workflowRunCompleted(
  d: WebhookDeps,
  deliveryId: string,
  repo: string,
  installationId: string | null,
  account: string | undefined,
  run: WorkflowRun,
): Promise<string> {
  const linked = await projectOfRepository(d.store, repo);
  let project = linked?.project;
  if (!project && installationId) {
    // The delivery is signed by GitHub, so its installation is real: one whose installation event was
    // missed (FlakeGuard was down, or installed before this database) is recorded and the repository linked now.
    if (!(await d.store.github.hasInstallation(installationId)))
      await d.store.github.saveInstallation(installationId, account ?? "", d.clock());
    project = await linkRepository(d.store, repo, installationId, d.clock());
  }
  if (!project) return `repository ${repo} is not linked to a project`;
  const client = clientOf(d, installationId ?? linked?.installationId ?? null);
  const result = await ingestWorkflowRun(d.gh, client, d.store, d.uploads, project, repo, run, d.clock);
  const base = {
    repo,
    installationId,
    projectId: project.id,
    run: String(run.id),
    headSha: run.head_sha,
    runUrl: run.html_url,
  };
  const tasks: PublishTask[] = [
    { ...base, what: "check-run", notes: result.notes },
    ...(run.pull_requests ?? []).map((pr) => ({ ...base, what: "pr-comment" as const, pr: pr.number })),
    { ...base, what: "issues" },
  ];
  await emitPublish(d.store, tasks, deliveryId, d.clock());
  return `run ${run.id}: ${result.reports} reports ingested, ${result.notes.length} refused`;
}

async function requestedAction(
  d: WebhookDeps,
  deliveryId: string,
  p: Payload,
  installationId: string | null,
): Promise<string> {
  const repo = p.repository?.full_name;
  const run = p.check_run?.external_id;
  if (!repo || !run || !p.requested_action) return "not our check run";
  const linked = await projectOfRepository(d.store, repo);
  if (!linked) return `repository ${repo} is not linked to a project`;
  const client = clientOf(d, installationId ?? linked.installationId);
  const did = await performAction(
    d.gh,
    client,
    d.store,
    linked.project,
    { identifier: p.requested_action.identifier, repo, run, login: p.sender?.login ?? "unknown" },
    d.clock(),
  );
  // The check run shows the new state (quarantined failures no longer count as flaky-to-act-on).
  await emitPublish(
    d.store,
    [
      {
        what: "check-run",
        repo,
        installationId: installationId ?? linked.installationId,
        projectId: linked.project.id,
        run,
        headSha: p.check_run!.head_sha,
      },
    ],
    deliveryId,
    d.clock(),
  );
  return did;
}

/** "Re-run" on our check run in GitHub's UI: the check run is published again from the current verdicts. */
async function rerequested(
  d: WebhookDeps,
  deliveryId: string,
  p: Payload,
  installationId: string | null,
): Promise<string> {
  const repo = p.repository?.full_name;
  const run = p.check_run?.external_id;
  if (!repo || !run) return "not our check run";
  const linked = await projectOfRepository(d.store, repo);
  if (!linked) return `repository ${repo} is not linked to a project`;
  await emitPublish(
    d.store,
    [
      {
        what: "check-run",
        repo,
        installationId: installationId ?? linked.installationId,
        projectId: linked.project.id,
        run,
        headSha: p.check_run!.head_sha,
      },
    ],
    deliveryId,
    d.clock(),
  );
  return "check run queued again";
}

/** The client for an installation (or token mode). */
export function clientOf(d: { gh: GitHub }, installationId: string | null) {
  const client = d.gh.clientFor(installationId);
  if (!client)
    throw new GitHubError("GitHub is not configured: set githubAppId and githubPrivateKey (or githubToken)", 0);
  return client;
}
