/**
 * Folds executions into tests while a report streams. The same key (suite + name + file) seen again in one
 * report is another attempt of that test while it is being retried (it failed and has not passed yet: see
 * isRetry), and otherwise another invocation, the test `name [N]` (parameterized runs). Tests are handed
 * out in batches and not kept; what the fold remembers per test is its key (in the index), its attempt
 * count, a few outcome bits and its latest invocation, all in typed arrays. Without the fold (`fold: false`,
 * for a consumer that folds by test id itself, as the server's rows stage does) every execution is its own
 * entry and nothing is remembered.
 */
import type { Attempt, ParsedSuite, ParsedTest, ReportFormat } from "../model/report.ts";
import type { ParseLimits } from "../model/limits.ts";
import { ReportParseError } from "./errors.ts";
import { countOutcomes, invocationName, isFlaky, isRetry, nextState, outcomeOf } from "./outcome.ts";
import { NO_PROPERTIES, type BatchConsumer, type StreamSummary, type TestBatch } from "./stream.ts";
import { StringPool } from "./strings.ts";
import { TestIndex } from "./test-index.ts";

export { NO_PROPERTIES };

/**
 * Tests per batch. Consumers gather rows per report, so a batch need not fill a multi-row insert; it only has
 * to die young. A batch's names slice the decoded input, so every young collection copies what a batch pins:
 * 250 instead of 1,000 made the bare parse 10 % faster (bench:ingest, 58 MB report: 0.81 → 0.72 s).
 */
export const BATCH_SIZE = 250;

/** The name given to the `n`th testcase without a name in a suite (1-based). */
export function unnamedTestName(n: number): string {
  return `(unnamed testcase ${n})`;
}

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
  // Per key: the ordinal its repeats go to while retried (its latest invocation), and how many invocations.
  private latest = new Int32Array(1024);
  private invocations = new Int32Array(1024);
  // The numbered names of invocations after a key's first: a retry of one is handed out under that name.
  private readonly invocationNames = new Map<number, string>();
  private batch: TestBatch = { tests: [], ordinals: [], firstAttempts: [] };
  private readonly onBatch: BatchConsumer;
  private readonly maxAttempts: number;
  private attempts = 0;
  private readonly fold: boolean;
  // Without the fold: entries so far (each its own ordinal).
  private entries = 0;
  // Per suite: testcases without a name so far (they are named by position, see unnamed()).
  private readonly unnamedCounts = new Map<string, number>();

  /** `fold: false` hands every execution out as its own entry (see TestBatch) and counts nothing. */
  constructor(limits: ParseLimits, onBatch: BatchConsumer, fold = true) {
    this.maxAttempts = limits.maxTestcases;
    this.onBatch = onBatch;
    this.fold = fold;
  }

  /** Adds one execution (one attempt or more): a new test, or more attempts of a test already seen. */
  add(
    suite: string,
    name: string,
    file: string | undefined,
    line: number | undefined,
    properties: Record<string, string>,
    attempts: Attempt[],
  ): void {
    this.attempts += attempts.length;
    if (this.attempts > this.maxAttempts) {
      throw new ReportParseError("limit_exceeded", `more than ${this.maxAttempts} test executions in one report`);
    }
    if (name.trim() === "") name = this.unnamed(suite);
    if (!this.fold) return this.pass(suite, name, file, line, properties, attempts);
    const suiteId = this.suiteNames.id(suite);
    const fileId = file === undefined ? -1 : this.fileNames.id(file);
    let ordinal = this.index.find(suiteId, name, fileId);
    if (ordinal < 0) ordinal = this.newTest();
    else if (isRetry(this.states[this.latest[ordinal]])) {
      if (this.latest[ordinal] !== ordinal) {
        ordinal = this.latest[ordinal];
        name = this.invocationNames.get(ordinal)!;
      }
    } else {
      // Another invocation: a test of its own under the next numbered name no test has yet.
      const key = ordinal;
      const plain = name;
      do name = invocationName(plain, ++this.invocations[key]);
      while (this.index.find(suiteId, name, fileId) >= 0);
      ordinal = this.newTest();
      this.latest[key] = ordinal;
      this.invocationNames.set(ordinal, name);
    }
    let state = this.states[ordinal];
    const first = this.attemptCounts[ordinal];
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
      flaky: isFlaky(state),
    };
    this.batch.tests.push(test);
    this.batch.ordinals.push(ordinal);
    this.batch.firstAttempts.push(first);
  }

  /**
   * The name of a testcase that has none: its position among its suite's unnamed testcases, so it is
   * stored, counted and shown (not dropped unseen) and keeps its identity from run to run while the suite's
   * unnamed testcases keep their order.
   */
  private unnamed(suite: string): string {
    const n = (this.unnamedCounts.get(suite) ?? 0) + 1;
    this.unnamedCounts.set(suite, n);
    return unnamedTestName(n);
  }

  // One execution as its own entry: no key lookup, no pooled names (they may slice the decoded input, as
  // the name always may: a consumer detaches what it keeps), outcome over its own attempts.
  private pass(
    suite: string,
    name: string,
    file: string | undefined,
    line: number | undefined,
    properties: Record<string, string>,
    attempts: Attempt[],
  ): void {
    let state = 0;
    for (let i = 0; i < attempts.length; i++) state = nextState(state, attempts[i].status);
    this.batch.tests.push({
      suite,
      name,
      file,
      line,
      properties,
      attempts,
      outcome: outcomeOf(state),
      flaky: isFlaky(state),
    });
    this.batch.ordinals.push(this.entries++);
    this.batch.firstAttempts.push(0);
  }

  /** Hands the tests out once a batch is full; the caller awaits the returned promise (the consumer's pace). */
  flush(): Promise<void> | undefined {
    return this.batch.tests.length >= BATCH_SIZE ? this.emit() : undefined;
  }

  /** Hands out the last tests and, when folding, sums the counts over the final outcomes. */
  async finish(format: ReportFormat, suites: ParsedSuite[]): Promise<StreamSummary> {
    if (this.batch.tests.length > 0) await this.emit();
    if (!this.fold) return { format, suites };
    return { format, suites, counts: countOutcomes(this.states, this.index.size, this.attempts) };
  }

  private async emit(): Promise<void> {
    const batch = this.batch;
    this.batch = { tests: [], ordinals: [], firstAttempts: [] };
    await this.onBatch(batch);
  }

  // Records the key the index just missed as a new test (no attempts yet, its own latest invocation).
  private newTest(): number {
    const ordinal = this.index.add();
    if (ordinal === this.states.length) this.grow();
    this.latest[ordinal] = ordinal;
    this.invocations[ordinal] = 1;
    return ordinal;
  }

  private grow(): void {
    this.attemptCounts = doubled(this.attemptCounts, Int32Array);
    this.states = doubled(this.states, Uint8Array);
    this.latest = doubled(this.latest, Int32Array);
    this.invocations = doubled(this.invocations, Int32Array);
  }
}

// A typed array of twice the length holding the old one's values.
function doubled<T extends Int32Array | Uint8Array>(from: T, Type: new (length: number) => T): T {
  const to = new Type(from.length * 2);
  to.set(from);
  return to;
}
