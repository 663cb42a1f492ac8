// Progress a person can see: the stage of a report on its way to settled verdicts, and the rescore that
// scores its tests. Stored in the database (store/progress.ts), so every replica answers the same.
import { RESCORE_JOB } from "../model/job.ts";
import type { ReportRecord } from "../model/ingest.ts";
import type { Store } from "../store/index.ts";

/** Where a report is on its way to verdicts: docs/api.md, "Report progress". */
export type ReportStage = "queued" | "parsing" | "stored" | "scoring" | "settled" | "failed";

/** A report's stage; while scoring, how far the project's rescore that covers it has got. */
export interface ReportProgress {
  stage: ReportStage;
  /** While `scoring`: tests of the project's running rescore scored so far, and in all. */
  scoring: { done: number; total: number } | null;
  /** While `failed`: why. */
  reason: string | null;
}

/** A running rescore's progress is written at most this often, or every PROGRESS_EVERY_TESTS tests. */
export const PROGRESS_EVERY_MS = 1_000;
/** Tests scored between two writes of a running rescore's progress, at most. */
export const PROGRESS_EVERY_TESTS = 5_000;

/**
 * The stage of a report. Queued reports are `queued` until a worker takes them (`parsing`). A processed
 * report is `settled` once its project has no pending rescore (pendingRescores 0: every stored report's
 * tests are scored), and stays so; until then it is `scoring` while the project's rescore that started
 * after the report was stored runs, else `stored` (its rescore is queued, or waits for a burst to end).
 */
export async function reportProgress(store: Store, report: ReportRecord, now: number): Promise<ReportProgress> {
  const none = { scoring: null, reason: null };
  if (report.state === "failed") return { stage: "failed", scoring: null, reason: report.error?.message ?? null };
  const noted = await store.progress.stageOf(report.id);
  if (report.state === "queued") return { stage: noted === "parsing" ? "parsing" : "queued", ...none };
  if (noted === "settled") return { stage: "settled", ...none };
  const [rescores, processing, rescore] = await Promise.all([
    store.jobs.countPendingJobs(RESCORE_JOB, report.projectId),
    store.jobs.countPendingJobs("process-report", report.projectId),
    store.progress.rescoreOf(report.projectId),
  ]);
  if (rescores + processing === 0) {
    // Noted, so a later upload's rescore does not make this report look unsettled again.
    await store.progress.markStage([report.id], "settled", now);
    return { stage: "settled", ...none };
  }
  const covers = rescore && rescore.finishedAt === null && rescore.startedAt >= (report.processedAt ?? Infinity);
  if (covers) return { stage: "scoring", scoring: { done: rescore.done, total: rescore.total }, reason: null };
  return { stage: "stored", ...none };
}

/**
 * What a rescore reports its progress through: `start` before it, `progress` after each batch (the callback of
 * act/rescore.ts's rescoreTests; written at most every PROGRESS_EVERY_MS or PROGRESS_EVERY_TESTS, never
 * per test), `finish` once it has ended, scored or failed.
 */
export function rescoreProgress(store: Store, projectId: string, clock: () => number) {
  let lastAt = -Infinity;
  let lastDone = 0;
  return {
    start: (total: number) => {
      lastAt = clock();
      return store.progress.rescoreStarted(projectId, total, lastAt);
    },
    progress: async (done: number): Promise<void> => {
      const now = clock();
      if (now - lastAt < PROGRESS_EVERY_MS && done - lastDone < PROGRESS_EVERY_TESTS) return;
      lastAt = now;
      lastDone = done;
      await store.progress.rescoreAdvanced(projectId, done, now);
    },
    finish: (done: number) => store.progress.rescoreAdvanced(projectId, done, clock(), true),
  };
}
