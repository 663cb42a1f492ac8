import * as crypto from "node:crypto";
import type { ReportMeta, ReportRows, ResultRow, TestRow } from "../model/ingest.ts";
import { MAX_STORED_NAME } from "../model/limits.ts";
import type { Attempt, ParsedReport, ReportFormat } from "../model/report.ts";
import { countOutcomes, invocationName, isRetry, nextState } from "./outcome.ts";
import { detach, StringPool } from "./strings.ts";
import { failureFingerprint } from "./fingerprint.ts";

/** A test's stable id: hash of (project, suite/classname, name, file); parameters stay in the name. */
export function testId(projectId: string, suite: string, name: string, file: string): string {
  return sha256Hex(projectId + "\u0000" + suite + "\u0000" + name + "\u0000" + file).slice(0, 32);
}

// The one-shot crypto.hash (Node ≥ 20.12) gives createHash's digest at under half the cost per test, which
// counts at 200,000 tests a report; older Node (package.json allows ≥ 20) takes the long way.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");

/** A name as stored: whole up to MAX_STORED_NAME characters, else cut to that length ending in "…". */
export function storedName(text: string): string {
  if (text.length <= MAX_STORED_NAME) return text;
  let end = MAX_STORED_NAME - 1;
  // Never keep half of a surrogate pair: it is not text (PostgreSQL would refuse it).
  if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--;
  return `${text.slice(0, end)}…`;
}

/** The rows to store for a parsed report: one test identity per test, one result per attempt. */
export function reportRows(projectId: string, parsed: ParsedReport): ReportRows {
  const tests = new Map<string, TestRow>();
  const results: ResultRow[] = [];
  const nextAttempt = new Map<string, number>();
  for (const t of parsed.tests) {
    const file = t.file ?? "";
    const id = testId(projectId, t.suite, t.name, file);
    if (!tests.has(id)) {
      tests.set(id, { id, projectId, suite: storedName(t.suite), name: storedName(t.name), file: storedName(file) });
    }
    // A parser folds repeats into attempts; should two entries still share an identity, keep numbering on.
    const base = nextAttempt.get(id) ?? 0;
    t.attempts.forEach((a, i) => results.push(resultRow(id, base + i + 1, a, i === t.attempts.length - 1)));
    nextAttempt.set(id, base + t.attempts.length);
  }
  return { format: parsed.format, tests: [...tests.values()], results, counts: { ...parsed.counts } };
}

/** What a streamed report's batches need to become rows: each entry as the stream hands it out. */
interface StreamedEntry {
  suite: string;
  name: string;
  file?: string;
  attempts: Attempt[];
}

/**
 * Builds a report's rows from its streamed batches (see TestBatch in ingest/stream.ts) without first
 * collecting whole tests, and folds them by test id as the parser's fold does (ingest/fold.ts): an entry
 * whose id was seen before (a testcase repeated anywhere in the report, as `streamTestcases` hands every
 * testcase out) continues that test's attempt numbers while the test is being retried (isRetry), and is
 * otherwise another invocation, the test `name [N]`; only a test's very last attempt is final. `finish`
 * sums the counts over each test's outcome, decided as the parser's fold decides it (ingest/outcome.ts).
 * Same rows and counts as `reportRows` over the collected report, except that two different keys with one
 * id (possible only through a NUL in a CTRF name) are one test here.
 */
export function streamedRows(projectId: string) {
  // Rows not yet handed out by `drain`: `results` holds those from position `resultBase` of the report on.
  let tests: TestRow[] = [];
  let results: ResultRow[] = [];
  let resultBase = 0;
  // Positions of results already drained that stopped being final since (their test came back).
  let unfinal: number[] = [];
  const byId = new Map<string, number>();
  // Per test, by its index (its position in the report's tests): its id, attempts so far, the position in
  // the report's results of its latest attempt (final until another comes; -1 while it has none), and its
  // outcome state.
  const ids: string[] = [];
  const attemptCounts: number[] = [];
  const lastResult: number[] = [];
  const states: number[] = [];
  // Per key repeated as another invocation (rare; absent: itself and one), as in the parser's fold: the
  // index its retries go to (its latest invocation), and how many invocations it has had.
  const latest = new Map<number, number>();
  const invocations = new Map<number, number>();
  // Entries may slice the decoded input: what a row keeps is detached, and suite and file names shared.
  const suites = new StringPool();
  const files = new StringPool();
  // The index of the test with this key, recorded (without attempts yet) when new.
  function indexOf(suite: string, name: string, file: string): number {
    const id = testId(projectId, suite, name, file);
    let index = byId.get(id);
    if (index === undefined) {
      index = ids.length;
      byId.set(id, index);
      ids.push(id);
      tests.push({
        id,
        projectId,
        suite: suites.intern(storedName(suite)),
        name: detach(storedName(name)),
        file: files.intern(storedName(file)),
      });
      attemptCounts.push(0);
      lastResult.push(-1);
      states.push(0);
    }
    return index;
  }
  // The key at `key` repeats, not as a retry: its next invocation is a test of its own.
  function nextInvocation(key: number, suite: string, name: string, file: string): number {
    // The next numbered name no test has yet, as the parser's fold picks it.
    let n = invocations.get(key) ?? 1;
    let numbered: string;
    do numbered = invocationName(name, ++n);
    while (byId.has(testId(projectId, suite, numbered, file)));
    invocations.set(key, n);
    const index = indexOf(suite, numbered, file);
    latest.set(key, index);
    return index;
  }
  const counts = (): Record<string, number> => ({ ...countOutcomes(states, ids.length, resultBase + results.length) });
  // The result at a report position is final no more.
  function notFinal(position: number): void {
    if (position >= resultBase) results[position - resultBase].final = false;
    else unfinal.push(position);
  }

  return {
    /** Takes one batch's entries, in report order. */
    add(entries: StreamedEntry[]): void {
      for (let i = 0; i < entries.length; i++) {
        const t = entries[i];
        const file = t.file ?? "";
        const known = ids.length;
        let index = indexOf(t.suite, t.name, file);
        if (index < known) {
          const current = latest.get(index) ?? index;
          index = isRetry(states[current]) ? current : nextInvocation(index, t.suite, t.name, file);
        }
        const id = ids[index];
        if (lastResult[index] >= 0 && t.attempts.length > 0) notFinal(lastResult[index]);
        let n = attemptCounts[index];
        let state = states[index];
        for (const a of t.attempts) {
          results.push(resultRow(id, ++n, a, false));
          state = nextState(state, a.status);
        }
        attemptCounts[index] = n;
        states[index] = state;
        if (t.attempts.length > 0) {
          results[results.length - 1].final = true;
          lastResult[index] = resultBase + results.length - 1;
        }
      }
    },
    /** Results taken and not yet drained. */
    get pending(): number {
      return results.length;
    },
    /**
     * Hands out the rows taken since the last drain, and the report positions of results drained before that
     * are final no more: appended to those drained before, with those positions marked not final, they are
     * the rows `finish` gives (see `appendDrained`). Lets a parse worker send a big report in pieces.
     */
    drain(): DrainedRows {
      const out = { tests, results, unfinal };
      resultBase += results.length;
      tests = [];
      results = [];
      unfinal = [];
      return out;
    },
    /** The rows and the report's counts, once the report is read (without `drain`: with it, see `counts`). */
    finish(format: ReportFormat): ReportRows {
      return { format, tests, results, counts: counts() };
    },
    /** The report's counts, once the report is read (with `drain`, the rows go by drain). */
    counts,
  };
}

/** Rows handed out by `streamedRows().drain()`. */
export interface DrainedRows {
  tests: TestRow[];
  results: ResultRow[];
  /** Report positions of results drained before that are final no more. */
  unfinal: number[];
}

/** Appends drained rows to a report's rows (in place), marking earlier results not final as they say. */
export function appendDrained(rows: ReportRows, drained: DrainedRows): void {
  for (const t of drained.tests) rows.tests.push(t);
  for (const r of drained.results) rows.results.push(r);
  for (const position of drained.unfinal) rows.results[position].final = false;
}

function resultRow(testId: string, attempt: number, a: Attempt, final: boolean): ResultRow {
  const failing = a.status === "failed" || a.status === "error";
  return {
    testId,
    attempt,
    status: a.status,
    final,
    durationMs: a.durationMs === null ? null : Math.round(a.durationMs),
    message: a.message ?? null,
    stack: a.stack ?? null,
    fingerprint: failing ? failureFingerprint(a.type ?? "", a.message ?? "", a.stack ?? "") : null,
    output: failing ? failureOutput(a.stdout, a.stderr) : null,
  };
}

/** Output kept per failing attempt: enough to see what happened, not a log archive. */
export const MAX_OUTPUT_CHARS = 16 * 1024;

/** A failing attempt's stdout and stderr as one bounded text (the tail is kept: failures print last). */
export function failureOutput(stdout: string | undefined, stderr: string | undefined): string | null {
  const parts = [stdout ? `[stdout]\n${stdout}` : "", stderr ? `[stderr]\n${stderr}` : ""].filter(Boolean);
  if (parts.length === 0) return null;
  const text = parts.join("\n");
  return text.length <= MAX_OUTPUT_CHARS
    ? text
    : `…[${text.length - MAX_OUTPUT_CHARS} characters cut]\n` + text.slice(-MAX_OUTPUT_CHARS);
}

/** Canonical `k=v,k=v` (keys sorted) for variant pairs. */
export function canonicalVariant(pairs: string[]): string {
  return pairs
    .map((p) => p.trim())
    .filter(Boolean)
    .sort()
    .join(",");
}

/** The idempotency key of an upload: the content hash and every piece of metadata. */
export function dedupeKey(contentHash: string, meta: ReportMeta): string {
  const m = [meta.commit, meta.branch, meta.pr, meta.run, meta.job, meta.attempt, meta.variant, meta.filename];
  return crypto
    .createHash("sha256")
    .update(contentHash + "\u0000" + JSON.stringify(m))
    .digest("hex");
}
