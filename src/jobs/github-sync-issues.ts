/** The scheduled GitHub issue sync: queues a close-issues event for every linked repository with an open issue of ours. */
import { emitIssueSync } from "../github/publish.ts";
import type { JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind. */
export const GITHUB_SYNC_ISSUES_JOB = "github-sync-issues" satisfies JobKind;

/** A test released between CI runs gets its issue closed without waiting for the next run. */
export const githubSyncIssuesJob: JobDefinition<"github-sync-issues"> = {
  kind: GITHUB_SYNC_ISSUES_JOB,
  async run(job, deps) {
    await emitIssueSync(deps.store, job.payload.tickAt ?? deps.clock(), deps.clock());
  },
};
