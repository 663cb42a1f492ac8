/** Publishing a run's outcome on GitHub: the check run, the PR comment, issues. One outbox event per piece, so a retry redoes only its own. */
import { runVerdict, type RunVerdict } from "../act/run-verdict.ts";
import type { Store } from "../store/index.ts";
import { emitEvents } from "../notify/emit.ts";
import type { NotificationEvent } from "../notify/events.ts";
import { GITHUB_EVENT, githubNotifier } from "../notify/github.ts";
import { publishCheckRun, renderCheckRun } from "./check-run.ts";
import type { GitHubClient } from "./client.ts";
import { closeReleasedIssues, openIssues, type IssueTest } from "./issues.ts";
import { publishPrComment, renderPrComment } from "./pr-comment.ts";
import type { GitHub } from "./service.ts";

/** One piece of a run's outcome to publish, and for which run: the payload of a `github.publish` outbox event. */
export interface PublishTask {
  /** close-issues: only closes the issues of released tests (the scheduled sync). */
  what: "check-run" | "pr-comment" | "issues" | "close-issues";
  repo: string;
  installationId: string | null;
  projectId: string;
  run: string;
  headSha: string;
  pr?: number;
  /** Refused artifacts and the like, shown on the check run. */
  notes?: string[];
  /** Where the run is on GitHub, for issue text. */
  runUrl?: string;
}

/**
 * Queues publish tasks of one project through the outbox (channel `github`), creating the project's
 * GitHub integration when it has none. `cause` (a delivery id, an upload, a sync tick) is part of each
 * event key, so the same cause never publishes twice while a new one always does.
 */
export async function emitPublish(store: Store, tasks: PublishTask[], cause: string, now: number): Promise<number> {
  if (tasks.length === 0) return 0;
  const project = await store.projects.getProjectById(tasks[0].projectId);
  if (!project) return 0;
  await ensureGitHubIntegration(store, project.id, now);
  const events = tasks.map(
    (t) =>
      ({
        type: GITHUB_EVENT,
        key: `github:${cause}:${t.what}:${t.repo}:${t.pr ?? ""}`,
        occurredAt: now,
        project: { id: project.id, slug: project.slug, name: project.name },
        message: `${t.what} for ${t.repo}${t.run ? ` run ${t.run}` : ""}`,
        github: t,
      }) satisfies NotificationEvent & { github: PublishTask },
  );
  return emitEvents(store, events, now);
}

/** The project's `github` integration, created (enabled, taking github.publish) when it has none; a disabled one stays disabled. */
export async function ensureGitHubIntegration(store: Store, projectId: string, now: number): Promise<void> {
  if ((await store.integrations.listIntegrations(projectId)).some((i) => i.kind === githubNotifier.kind)) return;
  await store.integrations.createIntegration(
    { projectId, kind: githubNotifier.kind, name: "GitHub", config: {}, events: [GITHUB_EVENT], enabled: true },
    { projectId, kind: "integration.created", actor: "github", data: { kind: githubNotifier.kind, automatic: true } },
    now,
  );
}

const EMPTY: Omit<RunVerdict, "run"> = {
  reports: [],
  summary: { "known-flaky": 0, quarantined: 0, "new-failure": 0, incident: 0 },
  blocking: 0,
  failures: [],
};

/** The tests of a run's failures that deserve an issue without anyone asking: the known flaky ones. */
export function flakyIssueTests(v: RunVerdict): IssueTest[] {
  return v.failures
    .filter((f) => f.class === "known-flaky")
    .map((f) => ({
      testId: f.testId,
      suite: f.suite,
      name: f.name,
      file: f.file,
      reason: "flaky",
      message: f.message,
    }));
}

/** The scheduled sync: a close-issues task for every linked repository with an open issue (a release between runs closes its issue). */
export async function emitIssueSync(store: Store, tickAt: number, now: number): Promise<number> {
  let queued = 0;
  for (const r of await store.github.repositoriesWithOpenIssues()) {
    queued += await emitPublish(
      store,
      [
        {
          what: "close-issues",
          repo: r.fullName,
          installationId: r.installationId,
          projectId: r.projectId,
          run: "",
          headSha: "",
        },
      ],
      `sync-${tickAt}`,
      now,
    );
  }
  return queued;
}

/** Runs one publish task. */
export async function publish(
  gh: GitHub,
  client: GitHubClient,
  store: Store,
  t: PublishTask,
  now: number,
): Promise<string> {
  if (t.what === "close-issues")
    return `issues closed ${(await closeReleasedIssues(client, store, t.repo, now)).length}`;
  const verdict = (await runVerdict(store, t.projectId, t.run)) ?? { run: t.run, ...EMPTY };
  if (t.what === "check-run") {
    const notes = [
      ...(t.notes ?? []),
      ...(verdict.reports.length === 0 ? ["no test report was found in this run's artifacts"] : []),
    ];
    return `check run ${await publishCheckRun(client, store.github, t.repo, t.headSha, t.run, renderCheckRun(verdict, notes), now)}`;
  }
  if (t.what === "pr-comment") {
    if (t.pr === undefined) return "no pull request";
    return `comment ${await publishPrComment(client, store.github, t.repo, t.pr, renderPrComment(verdict), now)}`;
  }
  const opts = {
    reopenDays: gh.settings.githubIssueReopenDays,
    groupMin: gh.settings.githubIssueGroupMin,
    seenAt: t.runUrl,
  };
  const opened = await openIssues(client, store, t.repo, flakyIssueTests(verdict), opts, now);
  const closed = await closeReleasedIssues(client, store, t.repo, now);
  return `issues opened ${opened.opened.length}, reopened ${opened.reopened.length}, closed ${closed.length}`;
}
