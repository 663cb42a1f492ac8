/**
 * The one table of report formats: how to recognise each and which parser reads it. Adding a format is its
 * parser file plus one line here. A file of its own so that sniffing (sniff.ts) and parsing (registry.ts)
 * both read it without importing each other.
 */
import type { ReportFormat } from "../model/report.ts";
import { parseCtrf, streamCtrf } from "./ctrf.ts";
import { parseJUnit, streamJUnit } from "./junit.ts";
import { parseNUnit, streamNUnit } from "./nunit.ts";
import type { ReportParser, ReportStreamer } from "./stream.ts";
import { parseTrx, streamTrx } from "./trx.ts";
import { parseXUnit, streamXUnit } from "./xunit.ts";

/** How a format is recognised when not named: JSON, or the XML root elements it uses. */
export interface FormatEntry {
  /** Streams the tests out in batches. */
  stream: ReportStreamer;
  /** Reads the report whole (a collector over `stream`). */
  parse: ReportParser;
  json?: true;
  xmlRoots?: readonly string[];
}

/** Every format FlakeGuard reads. */
export const FORMATS: Record<ReportFormat, FormatEntry> = {
  junit: { stream: streamJUnit, parse: parseJUnit, xmlRoots: ["testsuites", "testsuite"] },
  ctrf: { stream: streamCtrf, parse: parseCtrf, json: true },
  trx: { stream: streamTrx, parse: parseTrx, xmlRoots: ["TestRun"] },
  nunit: { stream: streamNUnit, parse: parseNUnit, xmlRoots: ["test-run", "test-results", "test-suite"] },
  xunit: { stream: streamXUnit, parse: parseXUnit, xmlRoots: ["assemblies", "assembly"] },
};
