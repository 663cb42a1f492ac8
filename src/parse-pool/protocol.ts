import type { DetectOptions } from "../ingest/sniff.ts";
import type { ReportParseErrorCode } from "../ingest/errors.ts";
import type { ReportRows } from "../model/ingest.ts";
import type { ParseLimits } from "../model/limits.ts";

/** One report to parse, as sent to a worker. */
export interface ParseTask {
  id: number;
  projectId: string;
  bytes: Uint8Array;
  options: DetectOptions;
  limits: ParseLimits;
}

/** A worker's answer: the rows, the parser's refusal, or an unexpected failure. */
export type ParseAnswer =
  | { id: number; rows: ReportRows }
  | { id: number; refused: { code: ReportParseErrorCode; message: string } }
  | { id: number; failed: string };
