/**
 * Folds executions into tests while a report streams: the same test (suite + name + file) seen again in
 * one report is another attempt of it, in order — that is how in-report retries show up in most formats.
 * Tests are handed out in batches and not kept; what the fold remembers per test is its key (in the
 * index), its attempt count and a few outcome bits, all in typed arrays.
 */
import type { Attempt, AttemptStatus, ParsedSuite, ParsedTest, ReportCounts, ReportFormat } from "../model/report.ts";
import type { ParseLimits } from "../model/limits.ts";
import { ReportParseError } from "./errors.ts";
import { NO_PROPERTIES, type BatchConsumer, type ReportSummary, type TestBatch } from "./stream.ts";
import { StringPool } from "./strings.ts";
import { TestIndex } from "./test-index.ts";

export { NO_PROPERTIES };

/** Tests per batch: small enough to die young in the garbage collector, large enough for a store's multi-row insert. */
export const BATCH_SIZE = 1000;

// A test's outcome so far in one byte: did any attempt pass, did any fail or error, the last attempt's status.
const PASSED = 1;
const FAILED = 2;
const STATUSES: readonly AttemptStatus[] = ["passed", "failed", "error", "skipped"];

/** The writable properties of a test still being read, replacing the shared empty object on first use. */
export function ownProperties(holder: { properties: Record<string, string> }): Record<string, string> {
  if (holder.properties === NO_PROPERTIES) holder.properties = {};
  return holder.properties;
}

/** Collects executions into tests while a report streams, bounded by maxTestcases attempts. */
export class TestFolder {
  /** Suite and class names, shared between tests (see StringPool). */
  readonly suiteNames = new StringPool();
  /** File names, shared between tests. */
  readonly fileNames = new StringPool();
  private readonly index = new TestIndex();
  private attemptCounts = new Int32Array(1024);
  private states = new Uint8Array(1024);
  private batch: TestBatch = { tests: [], ordinals: [], firstAttempts: [] };
  private readonly onBatch: BatchConsumer;
  private readonly maxAttempts: number;
  private attempts = 0;

  constructor(limits: ParseLimits, onBatch: BatchConsumer) {
    this.maxAttempts = limits.maxTestcases;
    this.onBatch = onBatch;
  }

  /** Adds one execution (one attempt or more): a new test, or more attempts of a test already seen. */
  add(suite: string, name: string, file: string | undefined, line: number | undefined, properties: Record<string, string>, attempts: Attempt[]): void {
    this.attempts += attempts.length;
    if (this.attempts > this.maxAttempts) {
      throw new ReportParseError("limit_exceeded", `more than ${this.maxAttempts} test executions in one report`);
    }
    const suiteId = this.suiteNames.id(suite);
    const fileId = file === undefined ? -1 : this.fileNames.id(file);
    let ordinal = this.index.find(suiteId, name, fileId);
    let state = 0;
    let first = 0;
    if (ordinal < 0) {
      ordinal = this.index.add();
      if (ordinal === this.states.length) this.grow();
    } else {
      state = this.states[ordinal];
      first = this.attemptCounts[ordinal];
    }
    for (let i = 0; i < attempts.length; i++) state = nextState(state, attempts[i].status);
    this.states[ordinal] = state;
    this.attemptCounts[ordinal] = first + attempts.length;
    const test: ParsedTest = {
      suite: this.suiteNames.text(suiteId),
      // Not detached: a batch is dropped soon, and the chunk its strings slice lives no longer. The collector,
      // which keeps tests, detaches.
      name,
      file: fileId < 0 ? undefined : this.fileNames.text(fileId),
      line,
      properties,
      attempts,
      outcome: outcomeOf(state),
      flaky: (state & (PASSED | FAILED)) === (PASSED | FAILED),
    };
    this.batch.tests.push(test);
    this.batch.ordinals.push(ordinal);
    this.batch.firstAttempts.push(first);
  }

  /** Hands the tests out once a batch is full; the caller awaits the returned promise (the consumer's pace). */
  flush(): Promise<void> | undefined {
    return this.batch.tests.length >= BATCH_SIZE ? this.emit() : undefined;
  }

  /** Hands out the last tests and sums the counts over the final outcomes. */
  async finish(format: ReportFormat, suites: ParsedSuite[]): Promise<ReportSummary> {
    if (this.batch.tests.length > 0) await this.emit();
    const size = this.index.size;
    const counts: ReportCounts = { tests: size, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0, attempts: this.attempts };
    for (let ordinal = 0; ordinal < size; ordinal++) {
      const state = this.states[ordinal];
      counts[outcomeOf(state)]++;
      if ((state & (PASSED | FAILED)) === (PASSED | FAILED)) counts.flaky++;
    }
    return { format, suites, counts };
  }

  private async emit(): Promise<void> {
    const batch = this.batch;
    this.batch = { tests: [], ordinals: [], firstAttempts: [] };
    await this.onBatch(batch);
  }

  private grow(): void {
    const counts = new Int32Array(this.attemptCounts.length * 2);
    counts.set(this.attemptCounts);
    this.attemptCounts = counts;
    const states = new Uint8Array(this.states.length * 2);
    states.set(this.states);
    this.states = states;
  }
}

// The state after one more attempt (comparisons, not a keyed lookup: statuses are interned literals).
function nextState(state: number, status: AttemptStatus): number {
  const seen = state & (PASSED | FAILED);
  if (status === "passed") return seen | PASSED;
  if (status === "failed") return seen | FAILED | (1 << 2);
  if (status === "error") return seen | FAILED | (2 << 2);
  return seen | (3 << 2);
}

// Passed if any attempt passed, else the last attempt's status.
function outcomeOf(state: number): AttemptStatus {
  return state & PASSED ? "passed" : STATUSES[state >> 2];
}

