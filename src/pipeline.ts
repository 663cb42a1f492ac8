import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { StoredReport } from "./act/detect.ts";
import { analyze, queueInlineRescore } from "./pipeline-analyze.ts";
import { dedupeKey } from "./analyze/identity.ts";
import { SNIFF_BYTES, detectFormat } from "./ingest/detect.ts";
import { ReportParseError } from "./ingest/errors.ts";
import { AppError } from "./lib/errors.ts";
import type { ReportMeta, ReportRows } from "./model/ingest.ts";
import { publishNothing, type Publish } from "./model/live.ts";
import type { ParseLimits } from "./model/limits.ts";
import type { Project } from "./model/project.ts";
import type { ReportFormat } from "./model/report.ts";
import { keptBytes, type KeptBytes } from "./lib/kept-bytes.ts";
import type { ParseReportRows } from "./parse-pool/pool.ts";
import type { Store } from "./store/index.ts";
import type { CompletedReport, NewReport, SavedReport } from "./store/reports.ts";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Queued reports past which an upload's answer waits for the queue to drain (backpressure). It is queued
 * first, so it is durable whatever the client does; clients just slow down. Processing such uploads in
 * their requests instead, as before, was the costliest way under load: a commit per report.
 */
export const BURST_BACKLOG_MAX = 64;
/** How long an answer waits at most for the backlog to drain, and how often it looks. */
const BACKPRESSURE_WAIT_MS = 10_000;
const BACKPRESSURE_POLL_MS = 200;

/** The job kind that processes a queued report. */
export const PROCESS_REPORT_JOB = "process-report";

/** One file of an upload, decompressed. */
export interface Upload {
  bytes: Uint8Array;
  contentType?: string;
  filename: string | null;
}

/** What an upload produced, per file. */
export interface UploadOutcome {
  id: string;
  status: "processed" | "queued";
  duplicate: boolean;
  format: ReportFormat;
  counts?: Record<string, number>;
}

/** What the pipeline needs. */
export interface PipelineDeps {
  store: Store;
  clock: () => number;
  limits: ParseLimits;
  /** Parses a report into rows: in a worker thread, or inline. */
  parse: ParseReportRows;
  /** Reports up to this size (bytes) are processed in the request; larger ones by the queue. */
  inlineMaxBytes: number;
  /** Uploads processed in requests at once; while that many are, more are queued (202) and processed in batches. */
  inlineConcurrency: number;
  /** Wakes the in-process worker after a job is enqueued. */
  notifyWorker: () => void;
  /** Score the tests of each report as it is stored (off: only the scheduled rescore does). */
  scoreOnIngest: boolean;
  /** Announces processed reports, new verdicts, quarantines and incidents to live subscribers (the UI). */
  publish?: Publish;
}

/** The pipeline's entry points, for the HTTP layer and the worker. */
export interface Uploads {
  receive(
    project: Project,
    files: Upload[],
    meta: Omit<ReportMeta, "filename">,
    format?: ReportFormat,
  ): Promise<UploadOutcome[]>;
  processQueued(reportId: string): Promise<void>;
  /** Processes several queued reports together; returns the errors of those to retry, by report id. */
  processQueuedBatch(reportIds: string[]): Promise<Map<string, unknown>>;
}

/**
 * handleReport, for every file of an upload: parse → store → analyze (incidents, failure groups,
 * verdicts of the tests it touched) → act (quarantine and notifications: later stages).
 * Small uploads are parsed and stored in the request, all files in one transaction, so a refused file
 * stores nothing; large ones, and those of a burst, are stored raw and queued, and the worker runs the same
 * stages on batches of them.
 */
export function createUploads(deps: PipelineDeps): Uploads {
  let inline = 0; // uploads being processed in their requests now
  // Bytes of reports this process just queued, so its worker need not read and gunzip them back.
  const fresh = keptBytes(FRESH_MAX_BYTES);
  return {
    async receive(project, files, meta, format) {
      const now = deps.clock();
      const total = files.reduce((n, f) => n + f.bytes.byteLength, 0);
      const prepared = await Promise.all(files.map((f) => prepare(project, f, meta, format)));
      // Under a burst — another upload in process, or reports already queued — answering once the raw report
      // is durable and storing results in batches keeps up where a commit per upload cannot: each commit
      // rewrites the index pages of every test it touched. Queued reports also keep their upload order.
      // Past a backlog, the answer waits for the queue to drain, so clients slow down.
      const backlog = await deps.store.jobs.countPendingJobs(PROCESS_REPORT_JOB);
      if (total > deps.inlineMaxBytes || inline >= deps.inlineConcurrency || backlog > 0) {
        const saved = await deps.store.reports.saveQueued(
          prepared.map((p) => p.report),
          now,
          (orm, reportId) =>
            // The project too: its pendingRescores counts the job until the report's rescore is queued.
            deps.store.jobs.enqueueJob(
              { kind: PROCESS_REPORT_JOB, payload: { reportId, projectId: project.id } },
              now,
              orm,
            ),
        );
        saved.forEach((s, i) => {
          if (s.created) fresh.keep(s.id, prepared[i].file.bytes);
        });
        deps.notifyWorker();
        if (backlog >= BURST_BACKLOG_MAX) await backlogBelow(deps, BURST_BACKLOG_MAX);
        return saved.map((s, i) => outcome(s, prepared[i].format, "queued"));
      }
      inline++;
      try {
        const parsed: { report: NewReport; rows: ReportRows }[] = [];
        for (const p of prepared)
          parsed.push({
            report: p.report,
            rows: await parseOrRefuse(deps.parse, project.id, p.file, p.format, deps.limits),
          });
        let rescore: number | undefined;
        const saved = await deps.store.reports.saveProcessed(parsed, now, async (orm, out) => {
          rescore = await queueInlineRescore(
            deps,
            project,
            parsed.filter((_, i) => out[i].created).map((p) => p.rows),
            now,
            orm,
          );
        });
        const created = saved.flatMap((s, i) => (s.created ? [stored(s.id, parsed[i].report, parsed[i].rows)] : []));
        await analyze(deps, project, created, "now", rescore);
        announce(deps, project, created);
        return saved.map((s, i) => ({ ...outcome(s, prepared[i].format, "processed"), counts: parsed[i].rows.counts }));
      } finally {
        inline--;
      }
    },

    async processQueued(reportId) {
      const failed = (await processBatch(deps, [reportId], fresh)).get(reportId);
      if (failed) throw failed;
    },

    processQueuedBatch: (reportIds) => processBatch(deps, reportIds, fresh),
  };
}

/** Waits until fewer than `max` reports are queued (read from the database: the worker may be another replica), or BACKPRESSURE_WAIT_MS. */
async function backlogBelow(deps: PipelineDeps, max: number): Promise<void> {
  for (let waited = 0; waited < BACKPRESSURE_WAIT_MS; waited += BACKPRESSURE_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, BACKPRESSURE_POLL_MS));
    if ((await deps.store.jobs.countPendingJobs(PROCESS_REPORT_JOB)) < max) return;
  }
}

/** Bytes of just-queued reports kept for the worker, in all. */
const FRESH_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Results held in memory before a batch is stored. It bounds a batch of a few very large reports, and splits
 * a large batch so the parse worker reads the next reports while the main thread writes these.
 */
const BATCH_MAX_RESULTS = 50_000;

/**
 * Reports of a batch being read and parsed before the one stored next. With one, the parse worker sat idle
 * while the main thread ran the other batch's transaction, and the main thread then waited for it (13 % of
 * its time in a profile of 1 M results on SQLite; 1 % with eight).
 */
const PARSE_AHEAD = 8;

/**
 * The worker's side of handleReport for queued reports: parse each, store them together in one
 * transaction — one commit for many reports is what makes a backlog cheap — then analyze them together.
 * A report that cannot be read is marked failed; if the shared transaction fails, each report is stored
 * on its own so one cannot hold back the rest. Returns the errors to retry, by report id.
 */
async function processBatch(deps: PipelineDeps, reportIds: string[], fresh: KeptBytes): Promise<Map<string, unknown>> {
  const errors = new Map<string, unknown>();
  let parsed: { reportId: string; rows: ReportRows }[] = [];
  let held = 0;
  // Reports are read and handed to the parse worker PARSE_AHEAD at a time, so it has work queued while the
  // main thread runs another batch's transaction (better-sqlite3 and PGlite hold it for a second or more).
  const load = (reportId: string) =>
    loadQueued(deps, reportId, fresh.take(reportId)).then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error }),
    );
  const ahead = reportIds.slice(0, PARSE_AHEAD).map(load);
  for (const [i, reportId] of reportIds.entries()) {
    const outcome: { rows?: ReportRows; error?: unknown } = await ahead.shift()!;
    if (i + PARSE_AHEAD < reportIds.length) ahead.push(load(reportIds[i + PARSE_AHEAD]));
    if (outcome.rows) {
      parsed.push({ reportId, rows: outcome.rows });
      held += outcome.rows.results.length;
    } else if (outcome.error instanceof ReportParseError) {
      await deps.store.reports.failReport(
        reportId,
        { code: outcome.error.code, message: outcome.error.message },
        deps.clock(),
      );
    } else if (outcome.error !== undefined) {
      errors.set(reportId, outcome.error); // retried by the queue
    }
    if (held >= BATCH_MAX_RESULTS) {
      await storeBatch(deps, parsed, errors);
      parsed = [];
      held = 0;
    }
  }
  await storeBatch(deps, parsed, errors);
  return errors;
}

/** A queued report's rows: its raw bytes (still in memory, or read back and decompressed) parsed; undefined when it is gone. */
async function loadQueued(
  deps: PipelineDeps,
  reportId: string,
  kept: Uint8Array | undefined,
): Promise<ReportRows | undefined> {
  const stored = await deps.store.reports.getRaw(reportId, { bytes: kept === undefined });
  if (!stored) return undefined;
  const bytes = kept ?? new Uint8Array(await gunzipAsync(stored.raw!));
  return deps.parse(
    stored.projectId,
    bytes,
    { format: (stored.format ?? undefined) as ReportFormat | undefined },
    deps.limits,
  );
}

async function storeBatch(
  deps: PipelineDeps,
  parsed: { reportId: string; rows: ReportRows }[],
  errors: Map<string, unknown>,
): Promise<void> {
  if (parsed.length === 0) return;
  let completed: Map<string, CompletedReport>;
  try {
    completed = await deps.store.reports.completeReports(parsed, deps.clock());
  } catch {
    completed = new Map();
    for (const item of parsed) {
      try {
        for (const [id, meta] of await deps.store.reports.completeReports([item], deps.clock()))
          completed.set(id, meta);
      } catch (e) {
        errors.set(item.reportId, e);
      }
    }
  }
  const byProject = new Map<string, StoredReport[]>();
  for (const { reportId, rows } of parsed) {
    const meta = completed.get(reportId);
    if (!meta) continue;
    const list = byProject.get(meta.projectId) ?? [];
    list.push({ id: reportId, run: meta.run, job: meta.job, commit: meta.commit, rows });
    byProject.set(meta.projectId, list);
  }
  for (const [projectId, reports] of byProject) {
    const project = await deps.store.projects.getProjectById(projectId);
    if (!project) continue;
    await analyze(deps, project, reports, "queued");
    announce(deps, project, reports);
  }
}

async function prepare(project: Project, f: Upload, meta: Omit<ReportMeta, "filename">, explicit?: ReportFormat) {
  const label = f.filename ? `file '${f.filename}'` : "the report";
  if (f.bytes.byteLength === 0) throw new AppError(400, "empty", `${label} is empty`);
  let format: ReportFormat;
  try {
    format = detectFormat(f.bytes.subarray(0, SNIFF_BYTES), { format: explicit, contentType: f.contentType });
  } catch (e) {
    throw refusal(e, label);
  }
  const contentHash = createHash("sha256").update(f.bytes).digest("hex");
  const fullMeta: ReportMeta = { ...meta, filename: f.filename };
  const report: NewReport = {
    ...fullMeta,
    projectId: project.id,
    dedupeKey: dedupeKey(contentHash, fullMeta),
    contentHash,
    format,
    rawSize: f.bytes.byteLength,
    raw: new Uint8Array(await gzipAsync(f.bytes, { level: 1 })),
  };
  return { file: f, format, report };
}

async function parseOrRefuse(
  parse: ParseReportRows,
  projectId: string,
  f: Upload,
  format: ReportFormat,
  limits: ParseLimits,
) {
  try {
    return await parse(projectId, f.bytes, { format, contentType: f.contentType }, limits);
  } catch (e) {
    throw refusal(e, f.filename ? `file '${f.filename}'` : "the report");
  }
}

function refusal(e: unknown, label: string): unknown {
  if (!(e instanceof ReportParseError)) return e;
  return new AppError(e.status, e.code, `${label} was refused: ${e.message}`);
}

function outcome(s: SavedReport, format: ReportFormat, status: "processed" | "queued"): UploadOutcome {
  return { id: s.id, status, duplicate: !s.created, format };
}

function stored(id: string, report: NewReport, rows: ReportRows): StoredReport {
  return { id, run: report.run, job: report.job, commit: report.commit, rows };
}

/** Tells live subscribers which reports were processed (after analysis, so what they read is current). */
function announce(deps: PipelineDeps, project: Project, reports: StoredReport[]): void {
  const publish = deps.publish ?? publishNothing;
  for (const r of reports) {
    publish("report.processed", project.id, {
      project: project.slug,
      reportId: r.id,
      run: r.run,
      job: r.job,
      commit: r.commit,
      counts: r.rows.counts,
    });
  }
}
