// What the pipeline's stages hand each other, what it needs, and the faces it shows to HTTP and the worker.
import type { ByteBudget } from "../lib/budget.ts";
import type { StoredReport } from "../act/findings.ts";
import type { ReportMeta, ReportRows } from "../model/ingest.ts";
import type { Publish } from "../model/live.ts";
import type { ParseLimits } from "../model/limits.ts";
import type { Project } from "../model/project.ts";
import type { ReportFormat } from "../model/report.ts";
import type { ParseReportRows } from "../parse-pool/pool.ts";
import type { Store } from "../store/index.ts";
import type { NewReport } from "../store/reports.ts";

/** What the pipeline needs. */
export interface PipelineDeps {
  store: Store;
  clock: () => number;
  limits: ParseLimits;
  /** Parses a report into rows: in a worker thread, or inline. */
  parse: ParseReportRows;
  /** Reports up to this size (bytes) are processed in the request; larger ones by the queue. */
  inlineMaxBytes: number;
  /** Decompressed report bytes held at once, shared with uploads and artifact ingest (uploadMemoryBudget). */
  budget: ByteBudget;
  /** Uploads processed in requests at once; while that many are, more are queued (202) and processed in batches. */
  inlineConcurrency: number;
  /** Wakes the in-process worker after a job is enqueued. */
  notifyWorker: () => void;
  /** Score the tests of each report as it is stored (off: only the scheduled rescore does). */
  scoreOnIngest: boolean;
  /** Announces processed reports, new verdicts, quarantines and incidents to live subscribers (the UI). */
  publish?: Publish;
  /** What the server can comment on pull requests with: its GitHub App (when installed), a token. */
  github: { app: boolean; token: boolean };
}

/** One file of an upload, decompressed. */
export interface Upload {
  bytes: Uint8Array;
  contentType?: string;
  filename: string | null;
}

/** How an upload came: through the API, its PR comment is queued (GitHub's runs publish theirs per delivery). */
export interface ReceiveOptions {
  prComment?: boolean;
}

/** What an upload produced, per file. */
export interface UploadOutcome {
  id: string;
  status: "processed" | "queued";
  duplicate: boolean;
  format: ReportFormat;
  counts?: Record<string, number>;
}

/** What became of a queued report the worker took: stored, refused as unreadable, or to retry. */
export type QueuedOutcome =
  | { status: "processed"; format: ReportFormat; counts: Record<string, number> }
  | { status: "failed"; code: string }
  | { status: "retry"; error: unknown };

/** The pipeline itself: an upload in, or queued reports processed, each answered with what the stages did. */
export interface Pipeline {
  receive(
    project: Project,
    files: Upload[],
    meta: Omit<ReportMeta, "filename">,
    format?: ReportFormat,
    options?: ReceiveOptions,
  ): Promise<UploadOutcome[]>;
  /** Processes queued reports together; the outcome of each it found (one gone since is left out). */
  processQueued(reportIds: string[]): Promise<Map<string, QueuedOutcome>>;
}

/** The pipeline's entry points, for the HTTP layer and the worker (the pipeline counted by metrics/ingest.ts). */
export interface Uploads {
  receive: Pipeline["receive"];
  processQueued(reportId: string): Promise<void>;
  /** Processes several queued reports together; returns the errors of those to retry, by report id. */
  processQueuedBatch(reportIds: string[]): Promise<Map<string, unknown>>;
}

/** One file received: its format, and the report row to store (raw copy gzipped, dedupe key computed). */
export interface Received {
  file: Upload;
  format: ReportFormat;
  report: NewReport;
}

/** A queued report after the parse stage: its rows, or why it could not be read. */
export type ParsedQueued = { reportId: string } & (
  { rows: ReportRows } | { refused: ParseRefusal } | { error: unknown }
);

/** A report the parser refused, as it is recorded. */
export interface ParseRefusal {
  code: string;
  message: string;
}

/** Reports of one project just stored, as analysis and action take them. */
export interface StoredBatch {
  project: Project;
  reports: StoredReport[];
  /**
   * The rescore queued in the same transaction as the reports: an upload answered in its request scores now
   * the tests it may change, then makes this job due. Absent for reports of the queue: their rescore is queued
   * after analysis, and merged per project by the worker.
   */
  rescoreJob?: number;
}
