// The analyze stage of the pipeline, and the rescore that makes its verdicts whole. Every test of a stored
// report is rescored after the report's findings (incident, failure groups) are recorded: its history changed,
// and a verdict left as scored before that change would differ from one scored after it — by how uploads
// happened to interleave, not by what they said. Uploads answered inline score only the tests whose status
// they may change before answering (testsToRescore), and queue the rest.
import { detectAfterIngest, recordBatchFindings, type StoredReport } from "./act/detect.ts";
import { RESCORE_JOB } from "./model/job.ts";
import type { ReportRows } from "./model/ingest.ts";
import type { Project } from "./model/project.ts";
import type { PipelineDeps } from "./pipeline.ts";
import type { Orm } from "./store/backend/db.ts";

/**
 * How long the rescore queued with an inline upload's reports waits for the upload's own analysis, at most:
 * past it (the process died meanwhile) the worker runs it anyway. Normally the analysis makes it due at once.
 */
export const INLINE_RESCORE_GUARD_MS = 60_000;

/**
 * Queues, in the transaction that stores an inline upload's reports, the rescore of all their tests: from
 * the commit on it counts in pendingRescores, so no one reads "up to date" while the upload is analysed.
 */
export async function queueInlineRescore(
  deps: PipelineDeps,
  project: Project,
  rows: ReportRows[],
  now: number,
  orm: Orm,
): Promise<number | undefined> {
  if (!deps.scoreOnIngest || rows.length === 0) return undefined;
  const payload = { projectId: project.id, testIds: testsOf(rows) };
  return deps.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload, runAt: now + INLINE_RESCORE_GUARD_MS }, now, orm);
}

/**
 * The analyze stage. The reports are already committed, so a failure here must not fail the upload: the
 * rescore of their tests runs anyway. Inline (`now`), the tests whose status the reports may change are
 * scored before the answer, then the rescore queued with the reports (job `queued`) is made due — that one
 * only: another upload's may still wait for its own analysis; queued reports record their findings and queue
 * the rescore of their tests, which the worker merges per project.
 */
export async function analyze(
  deps: PipelineDeps,
  project: Project,
  reports: StoredReport[],
  mode: "now" | "queued" = "now",
  queued?: number,
): Promise<void> {
  if (!deps.scoreOnIngest || reports.length === 0) return;
  let cause: string | undefined;
  try {
    if (mode === "now") await detectAfterIngest(deps.store, project, reports, deps.clock(), deps.publish);
    else await recordBatchFindings(deps.store, project, reports, deps.clock(), deps.publish, false);
  } catch (e) {
    cause = (e as Error).message;
  }
  const now = deps.clock();
  if (mode === "queued") {
    // Queued reports come in bursts: while more of the project's reports are queued, its rescore waits for
    // them (jobs/rescore.ts); once the last is stored, the waiting rescore is made due now, to run with this one.
    const payload = {
      projectId: project.id,
      testIds: testsOf(reports.map((r) => r.rows)),
      ...(cause ? { cause } : {}),
    };
    await deps.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload }, now);
  }
  if (queued !== undefined) await deps.store.jobs.hurryJob(queued, now);
  if (mode === "queued" && !(await deps.store.reports.hasQueuedReports(project.id)))
    await deps.store.jobs.hurryJobs(RESCORE_JOB, project.id, now);
  deps.notifyWorker();
}

function testsOf(rows: ReportRows[]): string[] {
  return [...new Set(rows.flatMap((r) => r.tests.map((t) => t.id)))];
}
