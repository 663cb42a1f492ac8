import type { DetectOptions } from "../ingest/sniff.ts";
import type { ReportParseErrorCode } from "../ingest/errors.ts";
import type { DrainedRows } from "../ingest/identity.ts";
import type { ReportFormat } from "../model/report.ts";
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
 * A worker's answer: the rows in pieces as they are read (`piece`, then `done` with the format and counts),
 * the parser's refusal, or an unexpected failure.
 */
export type ParseAnswer =
  | { id: number; piece: DrainedRows }
  | { id: number; done: { format: ReportFormat; counts: Record<string, number> } }
  | { id: number; refused: { code: ReportParseErrorCode; message: string } }
  | { id: number; failed: string };
