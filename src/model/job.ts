/** A durable job in the database queue. */
export interface Job {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

/** The job kind that rescores a project's tests (all, or `testIds`). */
export const RESCORE_JOB = "rescore";
