import type { JobKind } from "../model/job.ts";
import { backupJob } from "./backup.ts";
import type { JobDefinition, JobRegistry } from "./definition.ts";
import { deliverNotificationsJob } from "./deliver-notifications.ts";
import { pruneOutboxJob } from "./deliver-prune.ts";
import { digestJob } from "./digest.ts";
import { githubSyncIssuesJob } from "./github-sync-issues.ts";
import { githubWebhookJob } from "./github-webhook.ts";
import { processReportJob } from "./process-report.ts";
import { pruneResultsJob } from "./prune-results.ts";
import { pruneSessionsJob } from "./prune-sessions.ts";
import { releaseQuarantineJob } from "./release-quarantine.ts";
import { rescoreJob } from "./rescore.ts";
import { vacuumJob } from "./vacuum.ts";

/** The handler of every kind of `JobPayloads`: a kind without one, or one under the wrong kind, does not compile. */
const BY_KIND: { readonly [K in JobKind]: JobDefinition<K> } = {
  "process-report": processReportJob,
  rescore: rescoreJob,
  "release-quarantine": releaseQuarantineJob,
  "deliver-notifications": deliverNotificationsJob,
  "notify-digest": digestJob,
  "prune-outbox": pruneOutboxJob,
  "github-webhook": githubWebhookJob,
  "github-sync-issues": githubSyncIssuesJob,
  backup: backupJob,
  "prune-results": pruneResultsJob,
  "prune-sessions": pruneSessionsJob,
  vacuum: vacuumJob,
};

/** Every job kind, by name. */
export const JOBS: JobRegistry = new Map(Object.values(BY_KIND).map((j: JobDefinition) => [j.kind, j]));
