import { createHash } from "node:crypto";
import type { ReportMeta, ReportRows, ResultRow, TestRow } from "../model/ingest.ts";
import type { ParsedReport } from "../model/report.ts";
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
    t.attempts.forEach((a, i) => {
      const failing = a.status === "failed" || a.status === "error";
      results.push({
        testId: id, attempt: base + i + 1, status: a.status, final: i === t.attempts.length - 1,
        durationMs: a.durationMs === null ? null : Math.round(a.durationMs),
        message: a.message ?? null, stack: a.stack ?? null,
        fingerprint: failing ? failureFingerprint(a.type ?? "", a.message ?? "", a.stack ?? "") : null,
        output: failing ? failureOutput(a.stdout, a.stderr) : null,
      });
    });
    nextAttempt.set(id, base + t.attempts.length);
  }
  return { format: parsed.format, tests: [...tests.values()], results, counts: { ...parsed.counts } };
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
