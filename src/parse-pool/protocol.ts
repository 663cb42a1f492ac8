import type { DetectOptions } from "../ingest/sniff.ts";
import type { ReportParseErrorCode } from "../ingest/errors.ts";
import type { ReportRows, ResultRow, TestRow } from "../model/ingest.ts";
import type { ParseLimits } from "../model/limits.ts";

/** One report to parse, as sent to a worker. */
export interface ParseTask {
  id: number;
  projectId: string;
  bytes: Uint8Array;
  options: DetectOptions;
  limits: ParseLimits;
}

/**
 * A worker's answer: the rows, the parser's refusal, or an unexpected failure. A report's test and result
 * rows come first in parts (`part`), each its own message, then `rows` with the rest: the main thread
 * decodes each message in one go, and a million rows in one message blocked its event loop for seconds.
 */
export type ParseAnswer =
  | { id: number; part: { tests: TestRow[]; results: ResultRow[] } }
  | { id: number; rows: ReportRows }
  | { id: number; refused: { code: ReportParseErrorCode; message: string } }
  | { id: number; failed: string };
