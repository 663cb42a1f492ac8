/**
 * Parsing a report of any format: `parseReportStream` is the single entry point; `parseReport` collects its
 * batches into one report. The formats themselves are the table in format-table.ts.
 */
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from "../model/limits.ts";
import type { ParsedReport } from "../model/report.ts";
import { FORMATS } from "./format-table.ts";
import { peekHead, type ReportInput } from "./input.ts";
import { detectFormat, SNIFF_BYTES, type DetectOptions } from "./sniff.ts";
import {
  collecting,
  folded,
  type BatchConsumer,
  type ReportStreamer,
  type ReportSummary,
  type UnfoldedSummary,
} from "./stream.ts";

export { FORMATS, type FormatEntry } from "./format-table.ts";
export type {
  BatchConsumer,
  ReportParser,
  ReportStreamer,
  ReportSummary,
  TestBatch,
  UnfoldedSummary,
} from "./stream.ts";

/**
 * Parses a report of any supported format, handing its tests to `onBatch` as they complete (see TestBatch:
 * a test retried later in the report appears again with its new attempts); returns the format, suites and
 * counts. Throws only ReportParseError for bad input; what `onBatch` throws passes through.
 */
export async function parseReportStream(
  input: ReportInput,
  options: DetectOptions,
  limits: ParseLimits,
  onBatch: BatchConsumer,
): Promise<ReportSummary> {
  const { streamer, rest } = await detected(input, options);
  return folded(await streamer(rest, limits, onBatch));
}

/**
 * Like `parseReportStream` without the parser's fold: every testcase is its own batch entry with its own
 * attempts (a Surefire rerun stays an attempt of its testcase), even when the same test comes again later,
 * and no counts. For a consumer that folds by test id itself (`streamedRows`, ingest/identity.ts): the
 * parser then keeps no name index.
 */
export async function streamTestcases(
  input: ReportInput,
  options: DetectOptions,
  limits: ParseLimits,
  onBatch: BatchConsumer,
): Promise<UnfoldedSummary> {
  const { streamer, rest } = await detected(input, options);
  const { format, suites } = await streamer(rest, limits, onBatch, false);
  return { format, suites };
}

async function detected(
  input: ReportInput,
  options: DetectOptions,
): Promise<{ streamer: ReportStreamer; rest: ReportInput }> {
  const peeked = await peekHead(input, SNIFF_BYTES);
  return { streamer: FORMATS[detectFormat(peeked.head, options)].stream, rest: peeked.input };
}

/** Parses a report of any supported format whole; throws only ReportParseError for bad input. */
export async function parseReport(
  input: ReportInput,
  options: DetectOptions = {},
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<ParsedReport> {
  return collecting((bytes, bounds, onBatch) => parseReportStream(bytes, options, bounds, onBatch))(input, limits);
}
