/**
 * A test's outcome over its attempts, in one small integer: did any attempt pass, did any fail or error,
 * and the last attempt's status. Shared by the parser's fold (fold.ts) and the rows stage's fold by test id
 * (ingest/identity.ts), so both decide outcome, flakiness and counts the same way.
 */
import type { AttemptStatus, ReportCounts } from "../model/report.ts";

const PASSED = 1;
const FAILED = 2;
const STATUSES: readonly AttemptStatus[] = ["passed", "failed", "error", "skipped"];

/** The state after one more attempt (comparisons, not a keyed lookup: statuses are interned literals). */
export function nextState(state: number, status: AttemptStatus): number {
  const seen = state & (PASSED | FAILED);
  if (status === "passed") return seen | PASSED;
  if (status === "failed") return seen | FAILED | (1 << 2);
  if (status === "error") return seen | FAILED | (2 << 2);
  return seen | (3 << 2);
}

/** Passed if any attempt passed, else the last attempt's status (a test with no attempt reads as passed). */
export function outcomeOf(state: number): AttemptStatus {
  return state & PASSED ? "passed" : STATUSES[state >> 2];
}

/** Flaky: some attempt passed and some failed or errored. */
export function isFlaky(state: number): boolean {
  return (state & (PASSED | FAILED)) === (PASSED | FAILED);
}

/**
 * Whether a testcase repeating a test's key is a retry of it (another attempt): only while the test has
 * failed or errored and not passed yet, which is when a runner reruns. A repeat of a test that passed, or
 * was only skipped, is another invocation (a parameterized or data-provider run): a test of its own, so
 * repeats make a test flaky only as failed, then passed. See docs/detection.md.
 */
export function isRetry(state: number): boolean {
  return (state & (PASSED | FAILED)) === FAILED;
}

/** The name of a key's `n`th invocation in one report (n ≥ 2): the first keeps the plain name, so its test id. */
export function invocationName(name: string, n: number): string {
  return `${name} [${n}]`;
}

/** Report counts from each test's final state: tests by outcome, flaky ones, and all attempts. */
export function countOutcomes(states: ArrayLike<number>, tests: number, attempts: number): ReportCounts {
  const counts: ReportCounts = { tests, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0, attempts };
  for (let i = 0; i < tests; i++) {
    const state = states[i];
    counts[outcomeOf(state)]++;
    if (isFlaky(state)) counts.flaky++;
  }
  return counts;
}
