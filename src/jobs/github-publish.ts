/** Publishes one piece of a run's outcome on GitHub (check run, PR comment or issues); retried on rate limits and 5xx. */
import { GitHubError, GitHubRetryableError } from "../github/client.ts";
import { GITHUB_PUBLISH_JOB, publish, type PublishTask } from "../github/publish.ts";
import { clientOf } from "../github/webhook.ts";
import type { JobDefinition } from "./registry.ts";

/** A refusal retrying cannot fix (the App lost access, a 422) is recorded in the audit log instead of retried. */
export const githubPublishJob: JobDefinition = {
  kind: GITHUB_PUBLISH_JOB,
  async run(job, deps) {
    if (!deps.github) throw new Error("the GitHub integration is not wired into the worker");
    const task = job.payload as unknown as PublishTask;
    const count = (outcome: "sent" | "retried" | "failed") => deps.metrics?.notifications.inc({ channel: "github", outcome });
    try {
      await publish(deps.github, clientOf({ gh: deps.github }, task.installationId), deps.store, task, deps.clock());
      count("sent");
    } catch (e) {
      count(e instanceof GitHubError ? "failed" : e instanceof GitHubRetryableError ? "retried" : "failed");
      if (!(e instanceof GitHubError)) throw e;
      await deps.store.events.recordEvent({ projectId: task.projectId, kind: "github.publish.failed", actor: "github", data: { what: task.what, repo: task.repo, run: task.run, error: e.message } }, deps.clock());
    }
  },
};
