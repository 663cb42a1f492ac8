import { createHash } from "node:crypto";
import type { ReportMeta, ReportRows, ResultRow, TestRow } from "../model/ingest.ts";
import type { Attempt, ParsedReport, ReportCounts, ReportFormat } from "../model/report.ts";
import { failureFingerprint } from "./fingerprint.ts";

/** A test's stable id: hash of (project, suite/classname, name, file); parameters stay in the name. */
export function testId(projectId: string, suite: string, name: string, file: string): string {
  return createHash("sha256").update([projectId, suite, name, file].join("\u0000")).digest("hex").slice(0, 32);
}

/** The rows to store for a parsed report: one test identity per test, one result per attempt. */
export function reportRows(projectId: string, parsed: ParsedReport): ReportRows {
  const tests = new Map<string, TestRow>();
  const results: ResultRow[] = [];
  const nextAttempt = new Map<string, number>();
  for (const t of parsed.tests) {
    const file = t.file ?? "";
    const id = testId(projectId, t.suite, t.name, file);
    if (!tests.has(id)) tests.set(id, { id, projectId, suite: t.suite, name: t.name, file });
    // A parser folds repeats into attempts; should two entries still share an identity, keep numbering on.
    const base = nextAttempt.get(id) ?? 0;
    t.attempts.forEach((a, i) => results.push(resultRow(id, base + i + 1, a, i === t.attempts.length - 1)));
    nextAttempt.set(id, base + t.attempts.length);
  }
  return { format: parsed.format, tests: [...tests.values()], results, counts: { ...parsed.counts } };
}

/** What a streamed report's batches need to become rows: each test as the stream hands it out. */
interface StreamedEntry {
  suite: string;
  name: string;
  file?: string;
  attempts: Attempt[];
}

/**
 * Builds a report's rows from its streamed batches (see TestBatch in ingest/stream.ts) without first
 * collecting whole tests: `add` takes each batch's entries with their ordinals, `finish` the format and
 * counts. A test retried later in the report continues its attempt numbers, and only its very last
 * attempt is final. Same rows as `reportRows` over the collected report.
 */
export function streamedRows(projectId: string) {
  const tests: TestRow[] = [];
  const results: ResultRow[] = [];
  const ids: string[] = [];
  /** Per ordinal: the index in `results` of its latest attempt (final until another comes). */
  const lastResult: number[] = [];
  const attemptsSoFar = new Map<string, number>();
  const seenIds = new Set<string>();
  return {
    /** Takes one batch's entries and their ordinals (a test's first entry has a new ordinal). */
    add(entries: StreamedEntry[], ordinals: number[]): void {
      for (let i = 0; i < entries.length; i++) {
        const t = entries[i];
        const ordinal = ordinals[i];
        let id = ids[ordinal];
        if (id === undefined) {
          const file = t.file ?? "";
          id = ids[ordinal] = testId(projectId, t.suite, t.name, file);
          if (!seenIds.has(id)) {
            seenIds.add(id);
            // The name may be a slice of a decoded chunk: flatten it so a kept row does not pin the chunk.
            tests.push({ id, projectId, suite: t.suite, name: (" " + t.name).slice(1), file });
          }
        } else if (lastResult[ordinal] !== undefined) {
          results[lastResult[ordinal]].final = false;
        }
        let n = attemptsSoFar.get(id) ?? 0;
        for (const a of t.attempts) results.push(resultRow(id, ++n, a, false));
        attemptsSoFar.set(id, n);
        if (t.attempts.length > 0) {
          results[results.length - 1].final = true;
          lastResult[ordinal] = results.length - 1;
        }
      }
    },
    /** The rows, once the report is read. */
    finish(format: ReportFormat, counts: ReportCounts): ReportRows {
      return { format, tests, results, counts: { ...counts } };
    },
  };
}

function resultRow(testId: string, attempt: number, a: Attempt, final: boolean): ResultRow {
  const failing = a.status === "failed" || a.status === "error";
  return {
    testId, attempt, status: a.status, final,
    durationMs: a.durationMs === null ? null : Math.round(a.durationMs),
    message: a.message ?? null, stack: a.stack ?? null,
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
  return text.length <= MAX_OUTPUT_CHARS ? text : `…[${text.length - MAX_OUTPUT_CHARS} characters cut]\n` + text.slice(-MAX_OUTPUT_CHARS);
}

/** Canonical `k=v,k=v` (keys sorted) for variant pairs. */
export function canonicalVariant(pairs: string[]): string {
  return pairs.map((p) => p.trim()).filter(Boolean).sort().join(",");
}

/** The idempotency key of an upload: the content hash and every piece of metadata. */
export function dedupeKey(contentHash: string, meta: ReportMeta): string {
  const m = [meta.commit, meta.branch, meta.pr, meta.run, meta.job, meta.attempt, meta.variant, meta.filename];
  return createHash("sha256").update(contentHash + "\u0000" + JSON.stringify(m)).digest("hex");
}
