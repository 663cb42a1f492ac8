/** The one error every parser throws: a stable code, the HTTP status to answer with, a message naming the problem. */

/** Why a report was refused. */
export type ReportParseErrorCode =
  | "empty"
  | "malformed"
  | "not_a_report"
  | "unsupported_format"
  | "limit_exceeded"
  | "doctype_refused"
  | "invalid_shape";

/** HTTP status for each code: 400 unreadable, 413 too big, 415 unknown format, 422 readable but wrong. */
const STATUS_BY_CODE: Record<ReportParseErrorCode, 400 | 413 | 415 | 422> = {
  empty: 400,
  malformed: 400,
  doctype_refused: 400,
  limit_exceeded: 413,
  unsupported_format: 415,
  not_a_report: 422,
  invalid_shape: 422,
};

/** A report that cannot be read; parsers throw nothing else. */
export class ReportParseError extends Error {
  readonly code: ReportParseErrorCode;
  readonly status: 400 | 413 | 415 | 422;

  constructor(code: ReportParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReportParseError";
    this.code = code;
    this.status = STATUS_BY_CODE[code];
  }
}

/** Wraps anything a library threw into a ReportParseError, keeping ours as they are. */
export function asReportParseError(error: unknown, code: ReportParseErrorCode, prefix: string): ReportParseError {
  if (error instanceof ReportParseError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ReportParseError(code, `${prefix}: ${detail}`, { cause: error });
}
