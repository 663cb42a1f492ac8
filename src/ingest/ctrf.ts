/** CTRF JSON (`results.tests[]`), with `retries`, `retryAttempts` and `flaky` turned into attempts. */
import type { ParseLimits } from "../model/limits.ts";
import type { Attempt, AttemptStatus } from "../model/report.ts";
import { ctrfReportSchema, type CtrfAttempt, type CtrfStatus, type CtrfTest } from "./ctrf-schema.ts";
import { ReportParseError } from "./errors.ts";
import { NO_PROPERTIES, TestFolder } from "./fold.ts";
import type { ReportInput } from "./input.ts";
import { readJson } from "./json.ts";
import { collecting, type BatchConsumer, type StreamSummary } from "./stream.ts";
import { boundText, lineNumber, sanitizeMs } from "./values.ts";

// "pending" and "other" never ran to a verdict.
const STATUS: Record<CtrfStatus, AttemptStatus> = {
  passed: "passed",
  failed: "failed",
  skipped: "skipped",
  pending: "skipped",
  other: "skipped",
};

/**
 * Streams a CTRF JSON report's tests to `onBatch`; wrong types are refused (422) naming the field. JSON is
 * parsed (and checked) whole first, so nothing is handed out for a report that turns out invalid.
 */
export async function streamCtrf(
  input: ReportInput,
  limits: ParseLimits,
  onBatch: BatchConsumer,
  fold = true,
): Promise<StreamSummary> {
  const json = await readJson(input, limits);
  if (typeof json !== "object" || json === null || !("results" in json)) {
    throw new ReportParseError("not_a_report", "not a CTRF report: no results object");
  }
  const checked = ctrfReportSchema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
    throw new ReportParseError("invalid_shape", `invalid CTRF report: ${field.slice(1) || "root"}: ${issue.message}`);
  }
  const folder = new TestFolder(limits, onBatch, fold);
  for (const test of checked.data.results.tests) {
    folder.add(
      Array.isArray(test.suite) ? test.suite.join(" > ") : (test.suite ?? ""),
      test.name,
      test.filePath || undefined,
      test.line === undefined ? undefined : lineNumber(String(test.line)),
      test.tags && test.tags.length > 0 ? { tags: test.tags.join(",") } : NO_PROPERTIES,
      attemptsOf(test, limits.maxTextLength),
    );
    await folder.flush();
  }
  return folder.finish("ctrf", []);
}

/** Parses a CTRF JSON report whole; wrong types are refused (422) naming the field. */
export const parseCtrf = collecting(streamCtrf);

function attemptsOf(test: CtrfTest, maxText: number): Attempt[] {
  const final = toAttempt(test, maxText);
  const retries = test.retryAttempts ?? [];
  if (retries.length > 0) {
    const attempts = retries.map((retry) => toAttempt(retry, maxText));
    // Reporters differ on whether retryAttempts include the final run: add it when it is missing.
    const includesFinal = retries.length > (test.retries ?? 0) && attempts[attempts.length - 1].status === final.status;
    return includesFinal ? attempts : [...attempts, final];
  }
  // Retried or marked flaky without details: the earlier runs failed (that is why they were retried).
  const earlierRuns = final.status === "skipped" ? 0 : Math.max(test.retries ?? 0, test.flaky ? 1 : 0);
  const failedRun: Attempt = { status: "failed", durationMs: null };
  return [...Array.from({ length: earlierRuns }, () => ({ ...failedRun })), final];
}

function toAttempt(run: CtrfTest | CtrfAttempt, maxText: number): Attempt {
  const attempt: Attempt = {
    status: STATUS[run.status],
    durationMs: run.duration === undefined ? null : sanitizeMs(run.duration),
  };
  if (run.message) attempt.message = boundText(run.message, maxText);
  if (run.trace) attempt.stack = boundText(run.trace, maxText);
  const stdout = joinLines(run.stdout);
  const stderr = joinLines(run.stderr);
  if (stdout) attempt.stdout = boundText(stdout, maxText);
  if (stderr) attempt.stderr = boundText(stderr, maxText);
  return attempt;
}

function joinLines(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join("\n") : value;
}
