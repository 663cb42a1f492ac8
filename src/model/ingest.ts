/** Plain types for stored reports and the rows derived from them. */
import type { AttemptStatus, ReportFormat } from "./report.ts";

/** Where a report came from: the CI metadata sent with the upload. */
export interface ReportMeta {
  commit: string | null;
  branch: string | null;
  pr: string | null;
  run: string | null;
  job: string | null;
  attempt: number;
  /** Canonical `k=v,k=v`, keys sorted; "" when none. */
  variant: string;
  filename: string | null;
}

/** Processing state of a stored report. */
export type ReportState = "queued" | "processed" | "failed";

/** A stored report as the API shows it. */
export interface ReportRecord extends ReportMeta {
  id: string;
  projectId: string;
  format: ReportFormat | null;
  state: ReportState;
  counts: Record<string, number> | null;
  error: { code: string; message: string } | null;
  rawSize: number;
  receivedAt: number;
  processedAt: number | null;
}

/** A test identity row. */
export interface TestRow {
  id: string;
  projectId: string;
  suite: string;
  name: string;
  file: string;
}

/** One attempt of one test in one report. */
export interface ResultRow {
  testId: string;
  attempt: number;
  status: AttemptStatus;
  final: boolean;
  durationMs: number | null;
  message: string | null;
  stack: string | null;
  fingerprint: string | null;
  /** system-out and system-err of a failing attempt, bounded; null for passing ones. */
  output: string | null;
}

/** What the pipeline stores for a parsed report. */
export interface ReportRows {
  format: ReportFormat;
  tests: TestRow[];
  results: ResultRow[];
  counts: Record<string, number>;
}
