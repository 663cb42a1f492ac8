/** One JUnit <testcase> while it streams: its result elements, reruns and output, turned into attempts. */
import type { Attempt, AttemptStatus } from "../model/report.ts";
import type { XmlAttributes } from "./xml.ts";
import { lookupTable } from "./lookup.ts";
import { detach } from "./strings.ts";
import { boundText, secondsToMs } from "./values.ts";

/** Surefire/Gradle rerun elements: each one is an extra attempt of the testcase. */
export const RERUN_STATUS = lookupTable<AttemptStatus>({
  flakyFailure: "failed",
  flakyError: "error",
  rerunFailure: "failed",
  rerunError: "error",
});

// Which result wins when a testcase carries several (seen in the wild): error > failure > skipped.
const RESULT_RANK: Record<AttemptStatus, number> = { passed: 0, skipped: 1, failed: 2, error: 3 };
const RESULT_STATUS = lookupTable<AttemptStatus>({ failure: "failed", error: "error", skipped: "skipped" });
// googletest, Bazel and gtest-like tools say "not run" with an attribute instead of <skipped/>.
const SKIP_MARKERS = new Set(["disabled", "notrun", "skipped", "ignored", "suppressed"]);

/** Accumulates the attempts of one testcase from its child elements; reused for every testcase in turn. */
export class JUnitCase {
  primary: Attempt = { status: "passed", durationMs: null };
  /** Surefire flaky* reruns ran before the final passing run; rerun* reruns after the first failing one. */
  private before: Attempt[] | undefined;
  private after: Attempt[] | undefined;
  private rerun: Attempt | undefined;
  private readonly maxText: number;

  constructor(maxText: number) {
    this.maxText = maxText;
  }

  /** A new testcase opened: forgets the previous one (whose attempts were handed out) and starts its primary. */
  start(attributes: XmlAttributes): void {
    // Either attribute may say it: googletest writes status="notrun" result="suppressed" for a disabled
    // test and status="run" result="skipped" for GTEST_SKIP.
    const skipped = isSkipMarker(attributes.status) || isSkipMarker(attributes.result);
    this.primary = { status: skipped ? "skipped" : "passed", durationMs: secondsToMs(attributes.time) };
    this.before = undefined;
    this.after = undefined;
    this.rerun = undefined;
  }

  /** A child element opened; returns true when its text should be collected. */
  open(name: string, attributes: XmlAttributes): boolean {
    const rerunStatus = RERUN_STATUS[name];
    if (rerunStatus) {
      this.rerun = { status: rerunStatus, durationMs: secondsToMs(attributes.time) };
      this.describe(this.rerun, attributes);
      if (name.startsWith("flaky")) (this.before ??= []).push(this.rerun);
      else (this.after ??= []).push(this.rerun);
      return true;
    }
    const resultStatus = RESULT_STATUS[name];
    if (resultStatus && !this.rerun && RESULT_RANK[resultStatus] >= RESULT_RANK[this.primary.status]) {
      this.primary.status = resultStatus;
      this.describe(this.primary, attributes);
      return true;
    }
    return name === "system-out" || name === "system-err" || name === "stackTrace";
  }

  /** A child element closed with its collected text. */
  close(name: string, text: string | undefined): void {
    if (RERUN_STATUS[name]) {
      // A rerun element nested in another (malformed, seen from fuzzing) closes the inner one first.
      if (this.rerun) setIfPresent(this.rerun, "stack", text);
      this.rerun = undefined;
      return;
    }
    const target = this.rerun ?? this.primary;
    if (name === "stackTrace") setIfPresent(target, "stack", text);
    else if (name === "system-out") setIfPresent(target, "stdout", text);
    else if (name === "system-err") setIfPresent(target, "stderr", text);
    else if (RESULT_STATUS[name] && !this.rerun && RESULT_STATUS[name] === this.primary.status) {
      setIfPresent(this.primary, "stack", text);
    }
  }

  /** All attempts in the order they ran. */
  attempts(): Attempt[] {
    if (!this.before && !this.after) return [this.primary];
    return [...(this.before ?? []), this.primary, ...(this.after ?? [])];
  }

  // Sets message and type in place (no object to spread); a missing attribute keeps what an earlier result said.
  private describe(attempt: Attempt, attributes: XmlAttributes): void {
    const { message, type } = attributes;
    if (message) attempt.message = detach(boundText(message, this.maxText));
    if (type) attempt.type = detach(boundText(type, this.maxText));
  }
}

function isSkipMarker(value: string | undefined): boolean {
  return value !== undefined && SKIP_MARKERS.has(value.toLowerCase());
}

function setIfPresent(attempt: Attempt, field: "stack" | "stdout" | "stderr", text: string | undefined): void {
  const trimmed = text?.trim();
  if (trimmed) attempt[field] = trimmed;
}
