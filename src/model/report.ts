/** The one model every report format is parsed into. Plain types; imports nothing. */

/** Status of one execution of a test. */
export type AttemptStatus = "passed" | "failed" | "error" | "skipped";

/** The report formats FlakeGuard reads. */
export type ReportFormat = "junit" | "ctrf" | "trx" | "nunit" | "xunit";

/** One execution of a test inside a report (in-report retries make several). */
export interface Attempt {
  status: AttemptStatus;
  /** Duration in milliseconds; null when the report does not say or says nonsense (NaN, negative). */
  durationMs: number | null;
  /** Failure or skip message, bounded. */
  message?: string;
  /** Failure type / exception class when the format gives one. */
  type?: string;
  /** Stack trace or failure body, bounded. */
  stack?: string;
  stdout?: string;
  stderr?: string;
}

/** A test as it appears in one report, with all of its attempts in order. */
export interface ParsedTest {
  /** Suite or class name (JUnit classname, else the enclosing suite name); "" when none. */
  suite: string;
  name: string;
  file?: string;
  line?: number;
  properties: Record<string, string>;
  /** Attempts in the order they ran; never empty. */
  attempts: Attempt[];
  /** Passed if any attempt passed, else the last attempt's status. */
  outcome: AttemptStatus;
  /** True when the test passed in this report after (or before) a failed/errored attempt. */
  flaky: boolean;
}

/** A suite as declared by the report (for display and counts), flattened. */
export interface ParsedSuite {
  name: string;
  /** Count of tests the suite declares in its attributes, when it does. */
  declaredTests?: number;
  durationMs: number | null;
  timestamp?: string;
  hostname?: string;
  properties: Record<string, string>;
}

/** Everything a parser extracts from one report file. */
export interface ParsedReport {
  format: ReportFormat;
  suites: ParsedSuite[];
  tests: ParsedTest[];
  /** Summary counts over tests (by outcome) and attempts. */
  counts: ReportCounts;
}

/** Per-outcome counts of a parsed report. */
export interface ReportCounts {
  tests: number;
  passed: number;
  failed: number;
  error: number;
  skipped: number;
  flaky: number;
  attempts: number;
}
