import { PROCESS_REPORT_JOB } from "../pipeline.ts";
import type { JobDefinition, JobDeps } from "./definition.ts";

/**
 * Parses and stores a queued report (too large for the request, or sent during a burst). Due reports are
 * taken in batches: stored in one transaction and scored together.
 */
export const processReportJob: JobDefinition<"process-report"> = {
  kind: PROCESS_REPORT_JOB,
  async run(job, deps) {
    await noteParsing([job.payload.reportId], deps);
    await deps.uploads.processQueued(job.payload.reportId);
  },
  async runBatch(jobs, deps) {
    const ids = jobs.map((j) => j.payload.reportId);
    await noteParsing(ids, deps);
    const errors = await deps.uploads.processQueuedBatch(ids);
    return new Map(
      jobs.flatMap((j, i) => (errors.has(ids[i]) ? [[j.id, errors.get(ids[i])] as [number, unknown]] : [])),
    );
  },
  batchSize: (deps) => deps.config.reportBatch,
  // Given up on: the report is failed, not left queued for ever (pendingReports, and rescores that wait for them).
  async onDead(job, error, deps) {
    const message = `processing failed ${job.attempts} times; last error: ${error}`;
    await deps.store.reports.failReport(job.payload.reportId, { code: "processing_failed", message }, deps.clock());
  },
};

/**
 * One write per batch, for GET …/reports/:id: these are being parsed, no longer waiting in the queue. Only a
 * note: failing to write it must not fail the reports (a failed batch waits a minute for its retry).
 */
async function noteParsing(reportIds: string[], deps: JobDeps): Promise<void> {
  try {
    await deps.store.progress.markStage(reportIds, "parsing", deps.clock());
  } catch (e) {
    deps.log.warn({ err: e }, "could not note reports as parsing");
  }
}
