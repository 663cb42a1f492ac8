/**
 * The one table of report formats: how to recognise each and which parser reads it. Adding a format is
 * its parser file plus one line here. `parseReport` is the single entry point.
 */
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from "../model/limits.ts";
import type { ParsedReport, ReportFormat } from "../model/report.ts";
import { parseCtrf } from "./ctrf.ts";
import { detectFormat, SNIFF_BYTES, type DetectOptions } from "./detect.ts";
import { peekHead, type ReportInput } from "./input.ts";
import { parseJUnit } from "./junit.ts";
import { parseNUnit } from "./nunit.ts";
import { parseTrx } from "./trx.ts";
import { parseXUnit } from "./xunit.ts";

/** Reads one report format from bytes. */
export type ReportParser = (input: ReportInput, limits: ParseLimits) => Promise<ParsedReport>;

/** How a format is recognised when not named: JSON, or the XML root elements it uses. */
export interface FormatEntry {
  parse: ReportParser;
  json?: true;
  xmlRoots?: readonly string[];
}

/** Every format FlakeGuard reads. */
export const FORMATS: Record<ReportFormat, FormatEntry> = {
  junit: { parse: parseJUnit, xmlRoots: ["testsuites", "testsuite"] },
  ctrf: { parse: parseCtrf, json: true },
  trx: { parse: parseTrx, xmlRoots: ["TestRun"] },
  nunit: { parse: parseNUnit, xmlRoots: ["test-run", "test-results", "test-suite"] },
  xunit: { parse: parseXUnit, xmlRoots: ["assemblies", "assembly"] },
};

/** Parses a report of any supported format; throws only ReportParseError for bad input. */
export async function parseReport(
  input: ReportInput,
  options: DetectOptions = {},
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<ParsedReport> {
  const peeked = await peekHead(input, SNIFF_BYTES);
  const format = detectFormat(peeked.head, options);
  return FORMATS[format].parse(peeked.input, limits);
}
