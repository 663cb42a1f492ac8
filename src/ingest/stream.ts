/**
 * The streaming parse contract: a parser hands tests out in batches as the report streams past, so a big
 * report never holds all its tests at once, and says the format, suites and counts at the end. Whole-report
 * parsing (`parseReport`) is a collector on top of it.
 */
import type { ParseLimits } from "../model/limits.ts";
import type { ParsedReport, ParsedSuite, ParsedTest, ReportCounts, ReportFormat } from "../model/report.ts";
import type { ReportInput } from "./input.ts";
import { detach } from "./strings.ts";

/** Tests completed since the previous batch, in report order. */
export interface TestBatch {
  /**
   * A test's first appearance carries its key, properties and attempts; a test seen again later (a retry
   * elsewhere in the report) appears again with only its new attempts, under the same name (a repeat that
   * is another invocation is a new test, `name [N]`: see isRetry). `outcome` and `flaky` are the
   * test's over all its attempts up to that entry, so a test's last entry has its final outcome. A name
   * may share memory with the decoded input: `detach` (strings.ts) what is kept beyond the batch.
   * Without the fold (`streamTestcases`) every testcase is its own entry with a new ordinal and its own
   * attempts (outcome and flaky over those), and suite and file may share the input's memory too.
   */
  tests: ParsedTest[];
  /** `ordinals[i]`: which test `tests[i]` is, numbered 0, 1, 2 … in order of first appearance. */
  ordinals: number[];
  /** `firstAttempts[i]`: the index of `tests[i].attempts[0]` among all that test's attempts (0: first appearance). */
  firstAttempts: number[];
}

/** Receives each batch; the parser waits for a returned promise before reading on (backpressure). */
export type BatchConsumer = (batch: TestBatch) => void | Promise<void>;

/** What is known once a report is read: the counts are over the tests' final outcomes. */
export interface ReportSummary {
  format: ReportFormat;
  suites: ParsedSuite[];
  counts: ReportCounts;
}

/** What a stream without the fold knows at the end: no counts, which a consumer folding by test id computes. */
export type UnfoldedSummary = Omit<ReportSummary, "counts">;

/** What a streamer returns: the counts only when it folded. */
export type StreamSummary = UnfoldedSummary & { counts?: ReportCounts };

/**
 * Streams one report format's tests from bytes (folding repeated testcases unless `fold` is false); throws
 * only ReportParseError for bad input.
 */
export type ReportStreamer = (
  input: ReportInput,
  limits: ParseLimits,
  onBatch: BatchConsumer,
  fold?: boolean,
) => Promise<StreamSummary>;

/** A folding stream's summary, whose counts are always there. */
export function folded({ format, suites, counts }: StreamSummary): ReportSummary {
  if (!counts) throw new Error("a folding report stream returned no counts");
  return { format, suites, counts };
}

/** Reads one report format from bytes, whole. */
export type ReportParser = (input: ReportInput, limits: ParseLimits) => Promise<ParsedReport>;

/** The properties of every test that has none: one shared frozen object instead of 200k empty ones. */
export const NO_PROPERTIES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Folds batches back into whole tests, each with all its attempts in order: what `parseReport` returns. */
export class TestCollector {
  /** The tests so far, by ordinal. */
  readonly tests: ParsedTest[] = [];

  /** Takes one batch (a BatchConsumer). */
  readonly add = (batch: TestBatch): void => {
    const { tests, ordinals, firstAttempts } = batch;
    for (let i = 0; i < tests.length; i++) {
      const entry = tests[i];
      if (firstAttempts[i] === 0) {
        // Kept to the end: its name must not pin the decoded chunk it was sliced from (see strings.ts).
        entry.name = detach(entry.name);
        this.tests.push(entry);
        continue;
      }
      const known = this.tests[ordinals[i]];
      for (const attempt of entry.attempts) known.attempts.push(attempt);
      mergeProperties(known, entry.properties);
      known.outcome = entry.outcome;
      known.flaky = entry.flaky;
    }
  };
}

/** The whole-report parser over a streaming one. */
export function collecting(stream: ReportStreamer): ReportParser {
  return async (input, limits) => {
    const collector = new TestCollector();
    const { format, suites, counts } = folded(await stream(input, limits, collector.add));
    return { format, suites, tests: collector.tests, counts };
  };
}

function mergeProperties(test: ParsedTest, properties: Record<string, string>): void {
  if (properties === NO_PROPERTIES) return;
  // The shared empty object is frozen: a test gaining properties gets its own.
  if (test.properties === NO_PROPERTIES) test.properties = { ...properties };
  else Object.assign(test.properties, properties);
}
