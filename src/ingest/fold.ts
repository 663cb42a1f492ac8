/**
 * Folds executions into tests: the same test (suite + name + file) seen again in one report is another
 * attempt of it, in order — that is how in-report retries show up in most formats.
 */
import type { Attempt, AttemptStatus, ParsedReport, ParsedSuite, ParsedTest, ReportCounts, ReportFormat } from "../model/report.ts";
import type { ParseLimits } from "../model/limits.ts";
import { ReportParseError } from "./errors.ts";
import { detach, StringPool } from "./strings.ts";
import { TestIndex } from "./test-index.ts";

/** The properties of every test that has none: one shared frozen object instead of 200k empty ones. */
export const NO_PROPERTIES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The writable properties of a test still being read, replacing the shared empty object on first use. */
export function ownProperties(holder: { properties: Record<string, string> }): Record<string, string> {
  if (holder.properties === NO_PROPERTIES) holder.properties = {};
  return holder.properties;
}

/** Collects executions into tests while a report streams, bounded by maxTestcases attempts. */
export class TestFolder {
  private readonly tests: ParsedTest[] = [];
  // Keyed by name alone (almost always unique): no joined key string to build and keep per test.
  private readonly index = new TestIndex(this.tests);
  /** Suite and class names, shared between tests (see StringPool). */
  readonly suiteNames = new StringPool();
  /** File names, shared between tests. */
  readonly fileNames = new StringPool();
  private readonly maxAttempts: number;
  private attempts = 0;

  constructor(limits: ParseLimits) {
    this.maxAttempts = limits.maxTestcases;
  }

  /** Adds one execution (one attempt or more): a new test, or more attempts of a test already seen. */
  add(suite: string, name: string, file: string | undefined, line: number | undefined, properties: Record<string, string>, attempts: Attempt[]): void {
    this.attempts += attempts.length;
    if (this.attempts > this.maxAttempts) {
      throw new ReportParseError("limit_exceeded", `more than ${this.maxAttempts} test executions in one report`);
    }
    const position = this.index.find(suite, name, file);
    if (position >= 0) {
      const known = this.tests[position];
      for (const attempt of attempts) known.attempts.push(attempt);
      mergeProperties(known, properties);
      return;
    }
    const test: ParsedTest = {
      suite: this.suiteNames.intern(suite),
      name: detach(name),
      file: file === undefined ? undefined : this.fileNames.intern(file),
      line,
      properties,
      attempts,
      outcome: "passed",
      flaky: false,
    };
    this.tests.push(test);
    this.index.add(this.tests.length - 1);
  }

  /** The finished report: outcomes decided, counts summed. */
  finish(format: ReportFormat, suites: ParsedSuite[]): ParsedReport {
    const tests = this.tests;
    const counts: ReportCounts = { tests: tests.length, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0, attempts: 0 };
    for (const test of tests) {
      decideInto(test);
      counts[test.outcome]++;
      if (test.flaky) counts.flaky++;
      counts.attempts += test.attempts.length;
    }
    return { format, suites, tests, counts };
  }
}

function mergeProperties(test: ParsedTest, properties: Record<string, string>): void {
  if (properties === NO_PROPERTIES) return;
  // The shared empty object is frozen: a test gaining properties gets its own.
  if (test.properties === NO_PROPERTIES) test.properties = { ...properties };
  else Object.assign(test.properties, properties);
}

// decideOutcome without the result object: most tests have one attempt, and there are 200k of them.
function decideInto(test: ParsedTest): void {
  const attempts = test.attempts;
  if (attempts.length === 1) {
    test.outcome = attempts[0].status;
    test.flaky = false;
    return;
  }
  const decided = decideOutcome(attempts);
  test.outcome = decided.outcome;
  test.flaky = decided.flaky;
}

/** Passed if any attempt passed (flaky when another failed or errored), else the last attempt's status. */
export function decideOutcome(attempts: Attempt[]): { outcome: AttemptStatus; flaky: boolean } {
  const passed = attempts.some((attempt) => attempt.status === "passed");
  if (!passed) return { outcome: attempts[attempts.length - 1].status, flaky: false };
  const failed = attempts.some((attempt) => attempt.status === "failed" || attempt.status === "error");
  return { outcome: "passed", flaky: failed };
}
