// The store stage: an upload processed in its request is stored in one transaction with the rescore of its
// tests; a queued upload's raw reports are stored with a process-report job each; queued reports, once
// parsed, are completed in one transaction for many.
import type { StoredReport } from "../act/findings.ts";
import { keptBytes, type KeptBytes } from "../lib/kept-bytes.ts";
import { RESCORE_JOB, type JobKind } from "../model/job.ts";
import type { ReportRows } from "../model/ingest.ts";
import type { Project } from "../model/project.ts";
import type { Orm } from "../store/backend/db.ts";
import type { CompletedReport, NewReport, SavedReport } from "../store/reports.ts";
import type { ParsedQueued, PipelineDeps, QueuedOutcome, Received, StoredBatch, UploadOutcome } from "./types.ts";

/** The job kind that processes a queued report. */
export const PROCESS_REPORT_JOB = "process-report" satisfies JobKind;

/**
 * Queued reports past which an upload's answer waits for the queue to drain (backpressure). It is queued
 * first, so it is durable whatever the client does; clients just slow down. Processing such uploads in
 * their requests instead, as before, was the costliest way under load: a commit per report.
 */
export const BURST_BACKLOG_MAX = 64;
/** How long an answer waits at most for the backlog to drain, and how often it looks. */
const BACKPRESSURE_WAIT_MS = 10_000;
const BACKPRESSURE_POLL_MS = 200;

/** Bytes of just-queued reports kept for the worker, in all. */
const FRESH_MAX_BYTES = 64 * 1024 * 1024;

/**
 * How long the rescore queued with an inline upload's reports waits for the upload's own analysis, at most:
 * past it (the process died meanwhile) the worker runs it anyway. Normally the analysis makes it due at once.
 */
export const INLINE_RESCORE_GUARD_MS = 60_000;

/** The bytes of reports this process just queued, kept for its worker (which need not read and gunzip them back). */
export function freshReports(): KeptBytes {
  return keptBytes(FRESH_MAX_BYTES);
}

/**
 * Stores an upload's raw reports, each with its process-report job, and wakes the worker; past
 * BURST_BACKLOG_MAX queued reports (`backlog`), waits for the queue to drain before answering.
 */
export async function queueUpload(
  deps: PipelineDeps,
  project: Project,
  received: Received[],
  now: number,
  backlog: number,
  fresh: KeptBytes,
): Promise<UploadOutcome[]> {
  const saved = await deps.store.reports.saveQueued(
    received.map((p) => p.report),
    now,
    (orm, reportId) =>
      // The project too: its pendingRescores counts the job until the report's rescore is queued.
      deps.store.jobs.enqueueJob({ kind: PROCESS_REPORT_JOB, payload: { reportId, projectId: project.id } }, now, orm),
  );
  saved.forEach((s, i) => {
    if (s.created) fresh.keep(s.id, received[i].file.bytes);
  });
  deps.notifyWorker();
  if (backlog >= BURST_BACKLOG_MAX) await backlogBelow(deps, BURST_BACKLOG_MAX);
  return saved.map((s, i) => outcome(s, received[i], "queued"));
}

/**
 * Stores an upload's parsed files in one transaction, so a refused file stores nothing, and queues in it the
 * rescore of their tests; returns each file's outcome and the reports new to the project.
 */
export async function storeUpload(
  deps: PipelineDeps,
  project: Project,
  received: Received[],
  rows: ReportRows[],
  now: number,
): Promise<{ outcomes: UploadOutcome[]; batch: StoredBatch }> {
  const parsed = received.map((r, i) => ({ report: r.report, rows: rows[i] }));
  let rescoreJob: number | undefined;
  const saved = await deps.store.reports.saveProcessed(parsed, now, async (orm, out) => {
    rescoreJob = await queueInlineRescore(
      deps,
      project,
      parsed.filter((_, i) => out[i].created).map((p) => p.rows),
      now,
      orm,
    );
  });
  const reports = saved.flatMap((s, i) => (s.created ? [stored(s.id, parsed[i].report, parsed[i].rows)] : []));
  return {
    outcomes: saved.map((s, i) => ({ ...outcome(s, received[i], "processed"), counts: rows[i].counts })),
    batch: { project, reports, rescoreJob },
  };
}

/**
 * Stores a chunk of parsed queued reports: the refused marked failed, the read completed in one transaction —
 * one commit for many reports is what makes a backlog cheap — or, when that fails, each on its own so one
 * cannot hold back the rest. Notes each report's outcome; returns the stored reports by project.
 */
export async function storeQueued(
  deps: PipelineDeps,
  chunk: ParsedQueued[],
  outcomes: Map<string, QueuedOutcome>,
): Promise<StoredBatch[]> {
  const parsed: { reportId: string; rows: ReportRows }[] = [];
  for (const item of chunk) {
    if ("rows" in item) parsed.push(item);
    else if ("refused" in item) {
      await deps.store.reports.failReport(item.reportId, item.refused, deps.clock());
      outcomes.set(item.reportId, { status: "failed", code: item.refused.code });
    } else outcomes.set(item.reportId, { status: "retry", error: item.error });
  }
  if (parsed.length === 0) return [];
  const completed = await completeReports(deps, parsed, outcomes);
  const byProject = new Map<string, StoredReport[]>();
  for (const { reportId, rows } of parsed) {
    const meta = completed.get(reportId);
    if (!meta) continue;
    outcomes.set(reportId, { status: "processed", format: rows.format, counts: rows.counts });
    const list = byProject.get(meta.projectId) ?? [];
    list.push({ id: reportId, run: meta.run, job: meta.job, commit: meta.commit, variant: meta.variant, rows });
    byProject.set(meta.projectId, list);
  }
  const batches: StoredBatch[] = [];
  for (const [projectId, reports] of byProject) {
    const project = await deps.store.projects.getProjectById(projectId);
    if (project) batches.push({ project, reports });
  }
  return batches;
}

async function completeReports(
  deps: PipelineDeps,
  parsed: { reportId: string; rows: ReportRows }[],
  outcomes: Map<string, QueuedOutcome>,
): Promise<Map<string, CompletedReport>> {
  // A wide report stored in pieces fails alone, after the others committed: retried by the queue.
  const failed = (reportId: string, error: unknown) => outcomes.set(reportId, { status: "retry", error });
  try {
    return await deps.store.reports.completeReports(parsed, deps.clock(), failed);
  } catch {
    const completed = new Map<string, CompletedReport>();
    for (const item of parsed) {
      try {
        for (const [id, meta] of await deps.store.reports.completeReports([item], deps.clock(), failed))
          completed.set(id, meta);
      } catch (e) {
        outcomes.set(item.reportId, { status: "retry", error: e }); // retried by the queue
      }
    }
    return completed;
  }
}

/**
 * Queues, in the transaction that stores an inline upload's reports, the rescore of all their tests: from
 * the commit on it counts in pendingRescores, so no one reads "up to date" while the upload is analysed.
 */
async function queueInlineRescore(
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

/** The distinct tests of some reports. */
export function testsOf(rows: ReportRows[]): string[] {
  return [...new Set(rows.flatMap((r) => r.tests.map((t) => t.id)))];
}

/** Waits until fewer than `max` reports are queued (read from the database: the worker may be another replica), or BACKPRESSURE_WAIT_MS. */
async function backlogBelow(deps: PipelineDeps, max: number): Promise<void> {
  for (let waited = 0; waited < BACKPRESSURE_WAIT_MS; waited += BACKPRESSURE_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, BACKPRESSURE_POLL_MS));
    if ((await deps.store.jobs.countPendingJobs(PROCESS_REPORT_JOB)) < max) return;
  }
}

function outcome(s: SavedReport, r: Received, status: "processed" | "queued"): UploadOutcome {
  return { id: s.id, status, duplicate: !s.created, format: r.format };
}

function stored(id: string, report: NewReport, rows: ReportRows): StoredReport {
  return { id, run: report.run, job: report.job, commit: report.commit, variant: report.variant, rows };
}
