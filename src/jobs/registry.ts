import type { Config } from "../config/settings.ts";
import type { Logger } from "../lib/log.ts";
import type { Metrics } from "../metrics/registry.ts";
import type { Job } from "../model/job.ts";
import type { Publish } from "../model/live.ts";
import type { Uploads } from "../pipeline.ts";
import type { Store } from "../store/index.ts";
import { processReportJob } from "./process-report.ts";
import { rescoreJob } from "./rescore.ts";
import { releaseQuarantineJob } from "./release-quarantine.ts";
import { deliverNotificationsJob } from "./deliver-notifications.ts";
import { digestJob } from "./digest.ts";
import { pruneOutboxJob } from "./deliver-prune.ts";
import type { GitHub } from "../github/service.ts";
import { githubWebhookJob } from "./github-webhook.ts";
import { githubSyncIssuesJob } from "./github-sync-issues.ts";
import { backupJob } from "./backup.ts";
import { pruneResultsJob } from "./prune-results.ts";
import { pruneSessionsJob } from "./prune-sessions.ts";
import { vacuumJob } from "./vacuum.ts";

/** What a job handler may use. */
export interface JobDeps {
  uploads: Uploads;
  store: Store;
  clock: () => number;
  /** Announces changes to live subscribers (the UI's event stream). */
  publish?: Publish;
  /** Settings, metrics and log, for jobs that talk to the outside (notifications). */
  config?: Config;
  metrics?: Metrics;
  log?: Logger;
  /** The GitHub App / token client, for the github-* jobs. */
  github?: GitHub;
}

/** A kind of job: its name and what running one does. A job is one file plus one line below. */
export interface JobDefinition {
  kind: string;
  run(job: Job, deps: JobDeps): Promise<void>;
  /**
   * Runs several due jobs of this kind together (the worker claims up to `batchSize` of them at once);
   * returns the errors of the jobs that failed, by job id. Kinds without it run one job at a time.
   */
  runBatch?(jobs: Job[], deps: JobDeps): Promise<Map<number, unknown>>;
  /** How many jobs `runBatch` takes at once. */
  batchSize?(deps: JobDeps): number;
  /** Runs once when a job of this kind failed its last attempt and will not run again (`error`: its last error). */
  onDead?(job: Job, error: string, deps: JobDeps): Promise<void>;
}

/** Every job kind, by name. */
export const JOBS: ReadonlyMap<string, JobDefinition> = new Map(
  [
    processReportJob,
    rescoreJob,
    releaseQuarantineJob,
    deliverNotificationsJob,
    digestJob,
    pruneOutboxJob,
    githubWebhookJob,
    githubSyncIssuesJob,
    backupJob,
    pruneResultsJob,
    pruneSessionsJob,
    vacuumJob,
  ].map((j) => [j.kind, j]),
);
