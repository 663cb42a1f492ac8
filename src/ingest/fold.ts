/**
 * Folds executions into tests: the same test (suite + name + file) seen again in one report is another
 * attempt of it, in order — that is how in-report retries show up in most formats.
 */
import type { Attempt, AttemptStatus, ParsedReport, ParsedSuite, ParsedTest, ReportCounts, ReportFormat } from "../model/report.ts";
import type { ParseLimits } from "../model/limits.ts";
import { ReportParseError } from "./errors.ts";

/** One testcase element (or equivalent) as a parser saw it, with one attempt or more (reruns). */
export interface Execution {
  suite: string;
  name: string;
  file?: string;
  line?: number;
  properties: Record<string, string>;
  attempts: Attempt[];
}

/** Collects executions into tests while a report streams, bounded by maxTestcases attempts. */
export class TestFolder {
  // Keyed by name alone (almost always unique): no joined key string and no map per suite, which matters
  // at 200k tests. The rare same-name tests in other suites or files share a slot in an array.
  private readonly byName = new Map<string, ParsedTest | ParsedTest[]>();
  private readonly tests: ParsedTest[] = [];
  private readonly maxAttempts: number;
  private attempts = 0;

  constructor(limits: ParseLimits) {
    this.maxAttempts = limits.maxTestcases;
  }

  /** Adds one execution: a new test, or more attempts of a test already seen. */
  add(execution: Execution): void {
    this.attempts += execution.attempts.length;
    if (this.attempts > this.maxAttempts) {
      throw new ReportParseError("limit_exceeded", `more than ${this.maxAttempts} test executions in one report`);
    }
    const { suite, name, file, line, properties, attempts } = execution;
    const slot = this.byName.get(name);
    const known = slot === undefined ? undefined : findSame(slot, suite, file);
    if (known) {
      known.attempts.push(...attempts);
      Object.assign(known.properties, properties);
      return;
    }
    const test: ParsedTest = { suite, name, file, line, properties, attempts, outcome: "passed", flaky: false };
    if (slot === undefined) this.byName.set(name, test);
    else if (Array.isArray(slot)) slot.push(test);
    else this.byName.set(name, [slot, test]);
    this.tests.push(test);
  }

  /** The finished report: outcomes decided, counts summed. */
  finish(format: ReportFormat, suites: ParsedSuite[]): ParsedReport {
    const tests = this.tests;
    for (const test of tests) Object.assign(test, decideOutcome(test.attempts));
    return { format, suites, tests, counts: countTests(tests) };
  }
}

function findSame(slot: ParsedTest | ParsedTest[], suite: string, file: string | undefined): ParsedTest | undefined {
  const same = (test: ParsedTest): boolean => test.suite === suite && test.file === file;
  return Array.isArray(slot) ? slot.find(same) : same(slot) ? slot : undefined;
}

/** Passed if any attempt passed (flaky when another failed or errored), else the last attempt's status. */
export function decideOutcome(attempts: Attempt[]): { outcome: AttemptStatus; flaky: boolean } {
  const passed = attempts.some((attempt) => attempt.status === "passed");
  if (!passed) return { outcome: attempts[attempts.length - 1].status, flaky: false };
  const failed = attempts.some((attempt) => attempt.status === "failed" || attempt.status === "error");
  return { outcome: "passed", flaky: failed };
}

function countTests(tests: ParsedTest[]): ReportCounts {
  const counts: ReportCounts = { tests: tests.length, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0, attempts: 0 };
  for (const test of tests) {
    counts[test.outcome]++;
    if (test.flaky) counts.flaky++;
    counts.attempts += test.attempts.length;
  }
  return counts;
}
