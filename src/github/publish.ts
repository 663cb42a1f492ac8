/** Publishing a run's outcome on GitHub: the check run, the PR comment, issues. One durable job per piece, so a retry redoes only its own. */
import { runVerdict, type RunVerdict } from "../act/run-verdict.ts";
import type { Store } from "../store/index.ts";
import type { Orm } from "../store/db.ts";
import { publishCheckRun, renderCheckRun } from "./check-run.ts";
import type { GitHubClient } from "./client.ts";
import { closeReleasedIssues, openIssues, type IssueTest } from "./issues.ts";
import { publishPrComment, renderPrComment } from "./pr-comment.ts";
import type { GitHub } from "./service.ts";

/** The job kind that publishes one piece. */
export const GITHUB_PUBLISH_JOB = "github-publish";

/** What one publish job does, and for which run. */
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

/** Enqueues the publish jobs for a run (in the caller's transaction when `orm` is given). */
export async function enqueuePublish(store: Store, tasks: PublishTask[], now: number, orm?: Orm): Promise<void> {
  for (const t of tasks) await store.jobs.enqueueJob({ kind: GITHUB_PUBLISH_JOB, payload: { ...t }, maxAttempts: 10 }, now, orm);
}

const EMPTY: Omit<RunVerdict, "run"> = { reports: [], summary: { "known-flaky": 0, quarantined: 0, "new-failure": 0, incident: 0 }, blocking: 0, failures: [] };

/** The tests of a run's failures that deserve an issue without anyone asking: the known flaky ones. */
export function flakyIssueTests(v: RunVerdict): IssueTest[] {
  return v.failures.filter((f) => f.class === "known-flaky").map((f) => ({ testId: f.testId, suite: f.suite, name: f.name, file: f.file, reason: "flaky", message: f.message }));
}

/** The scheduled sync: one close-issues task per linked repository with an open issue (a release between runs closes its issue). */
export async function issueSyncJobs(store: Store, tickAt: number): Promise<{ kind: string; payload: Record<string, unknown> }[]> {
  return (await store.github.repositoriesWithOpenIssues()).map((r) => ({
    kind: GITHUB_PUBLISH_JOB, payload: { what: "close-issues", repo: r.fullName, installationId: r.installationId, projectId: r.projectId, run: "", headSha: "", tickAt },
  }));
}

/** Runs one publish task. */
export async function publish(gh: GitHub, client: GitHubClient, store: Store, t: PublishTask, now: number): Promise<string> {
  if (t.what === "close-issues") return `issues closed ${(await closeReleasedIssues(client, store, t.repo, now)).length}`;
  const verdict = (await runVerdict(store, t.projectId, t.run)) ?? { run: t.run, ...EMPTY };
  if (t.what === "check-run") {
    const notes = [...(t.notes ?? []), ...(verdict.reports.length === 0 ? ["no test report was found in this run's artifacts"] : [])];
    return `check run ${await publishCheckRun(client, store.github, t.repo, t.headSha, t.run, renderCheckRun(verdict, notes), now)}`;
  }
  if (t.what === "pr-comment") {
    if (t.pr === undefined) return "no pull request";
    return `comment ${await publishPrComment(client, store.github, t.repo, t.pr, renderPrComment(verdict), now)}`;
  }
  const opts = { reopenDays: gh.settings.githubIssueReopenDays, groupMin: gh.settings.githubIssueGroupMin, seenAt: t.runUrl };
  const opened = await openIssues(client, store, t.repo, flakyIssueTests(verdict), opts, now);
  const closed = await closeReleasedIssues(client, store, t.repo, now);
  return `issues opened ${opened.opened.length}, reopened ${opened.reopened.length}, closed ${closed.length}`;
}
