/** check_run.requested_action: the buttons of our check run — quarantine the flaky failures, re-run the failed jobs, open issues. */
import { quarantineTest } from "../act/quarantine.ts";
import { runVerdict } from "../act/run-verdict.ts";
import { AppError } from "../lib/errors.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";
import { CHECK_ACTIONS } from "./check-run.ts";
import type { GitHubClient } from "./client.ts";
import { openIssues } from "./issues.ts";
import type { GitHub } from "./service.ts";

/** What a requested action names. */
export interface RequestedAction {
  identifier: string;
  repo: string;
  run: string;
  login: string;
}

/** Performs the action; returns what it did, for the delivery log. */
export async function performAction(
  gh: GitHub,
  client: GitHubClient,
  store: Store,
  project: Project,
  a: RequestedAction,
  now: number,
): Promise<string> {
  const verdict = await runVerdict(store, project.id, a.run);
  const failures = verdict?.failures ?? [];
  const actor = `github:${a.login}`;
  if (a.identifier === CHECK_ACTIONS.quarantine.identifier) {
    const ids = [...new Set(failures.filter((f) => f.class === "known-flaky").map((f) => f.testId))];
    let done = 0;
    for (const testId of ids) {
      try {
        await quarantineTest(
          store,
          project,
          { testId, reason: `quarantined from the FlakeGuard check run by @${a.login}`, owner: a.login },
          actor,
          now,
        );
        done++;
      } catch (e) {
        if (!(e instanceof AppError && e.status === 409)) throw e; // already quarantined: the action is idempotent
      }
    }
    return `quarantined ${done} of ${ids.length}`;
  }
  if (a.identifier === CHECK_ACTIONS.rerun.identifier) {
    await client.request("POST", `/repos/${a.repo}/actions/runs/${a.run}/rerun-failed-jobs`, {});
    await store.events.recordEvent(
      { projectId: project.id, kind: "github.rerun", actor, data: { repository: a.repo, run: a.run } },
      now,
    );
    return "re-run requested";
  }
  if (a.identifier === CHECK_ACTIONS.issue.identifier) {
    const tests = failures
      .filter((f) => f.class === "known-flaky" || f.class === "new-failure")
      .map((f) => ({
        testId: f.testId,
        suite: f.suite,
        name: f.name,
        file: f.file,
        reason: f.class === "known-flaky" ? ("flaky" as const) : ("failing" as const),
        message: f.message,
      }));
    const r = await openIssues(
      client,
      store,
      a.repo,
      tests,
      { reopenDays: gh.settings.githubIssueReopenDays, groupMin: gh.settings.githubIssueGroupMin },
      now,
    );
    return `issues opened ${r.opened.length}, reopened ${r.reopened.length}`;
  }
  return `unknown action '${a.identifier}' ignored`;
}
