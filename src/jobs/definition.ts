import type { Config } from "../config/settings.ts";
import type { GitHub } from "../github/service.ts";
import type { Logger } from "../lib/log.ts";
import type { Metrics } from "../metrics/registry.ts";
import type { Job, JobKind } from "../model/job.ts";
import type { Publish } from "../model/live.ts";
import type { Uploads } from "../pipeline.ts";
import type { Store } from "../store/index.ts";

/** What a job handler may use: all of it, always (app.ts builds it once for every worker). */
export interface JobDeps {
  uploads: Uploads;
  store: Store;
  clock: () => number;
  /** Announces changes to live subscribers (the UI's event stream). */
  publish: Publish;
  /** Settings, metrics and log, for jobs that talk to the outside (notifications). */
  config: Config;
  metrics: Metrics;
  log: Logger;
  /** The GitHub App / token client, for the github-* jobs (it answers "not configured" when unset). */
  github: GitHub;
}

/**
 * A kind of job: its name and what running one does, its jobs' payloads typed by `JobPayloads[K]`.
 * A job is one file exporting one of these plus one line in `JOBS` (registry.ts).
 */
export interface JobDefinition<K extends JobKind = JobKind> {
  kind: K;
  run(job: Job<K>, deps: JobDeps): Promise<void>;
  /**
   * Runs several due jobs of this kind together (the worker claims up to `batchSize` of them at once);
   * returns the errors of the jobs that failed, by job id. Kinds without it run one job at a time.
   */
  runBatch?(jobs: Job<K>[], deps: JobDeps): Promise<Map<number, unknown>>;
  /** How many jobs `runBatch` takes at once. */
  batchSize?(deps: JobDeps): number;
  /** Runs once when a job of this kind failed its last attempt and will not run again (`error`: its last error). */
  onDead?(job: Job<K>, error: string, deps: JobDeps): Promise<void>;
}

/** Handlers by kind, as the worker looks them up: by the kind string read back from the queue. */
export type JobRegistry = ReadonlyMap<string, JobDefinition>;
