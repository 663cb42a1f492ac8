/**
 * Every job kind and the payload its jobs carry: `store.jobs.enqueueJob`, the worker's handlers and the
 * schedules are checked against this one map (graphile-worker's `Tasks`). Payloads are stored as JSON,
 * so they hold plain data only. A new kind is one line here plus its handler (docs/architecture.md).
 */
export interface JobPayloads {
  /** A stored raw report to parse; `projectId` lets the queue count a project's pending reports. */
  "process-report": { reportId: string; projectId: string };
  /**
   * Rescores a project's tests: `testIds` and those of `passes` (by variant) whose verdict is not clean when
   * it runs, or with `unsettled` its flaky and quarantined ones, or all.
   * `waitingSince` marks a rescore that waits for the project's queued reports; `tickAt` the schedule's
   * tick; `cause` why it was queued ("retention", or the error that stopped an inline analysis).
   */
  rescore: {
    projectId: string;
    testIds?: ScoringNeeds["testIds"];
    passes?: ScoringNeeds["passes"];
    unsettled?: true;
    waitingSince?: number;
    tickAt?: number;
    cause?: string;
  };
  "release-quarantine": { tickAt?: number };
  "deliver-notifications": { tickAt?: number };
  /** One project's digest of the day of `tickAt`. */
  "notify-digest": { projectId: string; tickAt?: number };
  "prune-outbox": { tickAt?: number };
  /** One stored GitHub webhook delivery. */
  "github-webhook": { deliveryId: string };
  "github-sync-issues": { tickAt?: number };
  backup: { tickAt?: number };
  "prune-results": { tickAt?: number };
  "prune-sessions": { tickAt?: number };
  /** The tables the tick found grown. */
  vacuum: { tickAt?: number; tables: string[] };
}

/** The name of a job kind. */
export type JobKind = keyof JobPayloads;

/** A durable job in the database queue: of one kind `K`, or (by default) any kind, told apart by `kind`. */
export type Job<K extends JobKind = JobKind> = {
  [P in K]: { id: number; kind: P; payload: JobPayloads[P]; attempts: number; maxAttempts: number };
}[K];

/** A job to enqueue: its kind, its payload, and when (default now) and how often (default 5) to try it. */
export type NewJob<K extends JobKind = JobKind> = {
  [P in K]: { kind: P; payload: JobPayloads[P]; runAt?: number; maxAttempts?: number };
}[K];

/** The job kind that rescores a project's tests (all, or `testIds`). */
export const RESCORE_JOB = "rescore" satisfies JobKind;

/**
 * What reports alone say about rescoring their tests: `testIds` must be scored (they failed, passed on a
 * retry, failed elsewhere on the same commit, or ran in several variants); `passes` (by variant) they only
 * saw pass or skip, which the rescore leaves out if their stored verdict is clean then (analyze/rescore-set.ts).
 */
export interface ScoringNeeds {
  testIds: string[];
  passes: Record<string, string[]>;
}
