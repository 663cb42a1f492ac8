// The two rules the anchors use, computed directly on a generated history (pure, no server):
// - same-commit (Trunk, Datadog, BuildPulse, CircleCI): flaky once it passed and failed on one commit,
//   anywhere — in one report (an in-run retry), across jobs, variants or job re-runs (and, as a yardstick,
//   the same rule within one variant only);
// - flip rate (Apple, Buildkite, ReportPortal): flaky once the pass↔fail flips of its recent history on
//   the default branch exceed a threshold (over its last 50 runs there).
import type { DemoHistory, DemoUpload } from "../../src/demo/types.ts";

/** A detector's answer for one test: called flaky or not, and after how many of its reports. */
export interface Detection {
  flaky: boolean;
  /** Reports containing the test, in arrival order, up to and including the one that tipped it; null if never. */
  detectedAfterRuns: number | null;
}

/** Detections keyed by `suite::name`, one per test of the truth. */
export type Detections = Map<string, Detection>;

/** Walks uploads in order, counting each test's reports (the shared "runs until detected" measure). */
export function* replayCounting(
  history: DemoHistory,
): Generator<{ upload: DemoUpload; key: string; attempts: string[]; runs: number }> {
  const runs = new Map<string, number>();
  for (const upload of history.uploads) {
    for (const result of upload.results) {
      const n = (runs.get(result.key) ?? 0) + 1;
      runs.set(result.key, n);
      yield { upload, key: result.key, attempts: result.attempts, runs: n };
    }
  }
}

/** Every test of the truth not yet called flaky. */
function undetected(history: DemoHistory): Detections {
  return new Map(Object.keys(history.truth).map((key) => [key, { flaky: false, detectedAfterRuns: null }]));
}

/**
 * Same-commit rule: a pass and a fail of the test on one commit, in any report, job, variant or attempt.
 * `oneVariant` pairs only within one variant (an in-run retry or a job re-run on the same OS): what is left
 * of the rule when a pass on Linux and a failure on Windows no longer count, since a break on one OS does that.
 */
export function sameCommitRule(history: DemoHistory, { oneVariant = false } = {}): Detections {
  const out = undetected(history);
  const seen = new Map<string, number>(); // key@commit(@variant) → bit 1 passed, bit 2 failed
  for (const { upload, key, attempts, runs } of replayCounting(history)) {
    const slot = oneVariant
      ? `${key}@${upload.meta.commit}@${upload.meta.variant.join(",")}`
      : `${key}@${upload.meta.commit}`;
    let bits = seen.get(slot) ?? 0;
    for (const status of attempts) if (status !== "skipped") bits |= status === "passed" ? 1 : 2;
    seen.set(slot, bits);
    const detection = out.get(key);
    if (bits === 3 && detection && !detection.flaky) out.set(key, { flaky: true, detectedAfterRuns: runs });
  }
  return out;
}

/** Parameters of the flip-rate rule. */
export interface FlipRateOptions {
  /** No verdict before this many default-branch reports. */
  minRuns: number;
  /** Flaky while flips / (reports − 1) exceeds this. */
  threshold: number;
  /** Over the last this many default-branch reports (Apple's flip rate: 50). */
  window: number;
}

/** The flip-rate rule's defaults: at least 10 reports on main, more than 10 % of consecutive pairs flip. */
export const FLIP_RATE_DEFAULTS: FlipRateOptions = { minRuns: 10, threshold: 0.1, window: 50 };

/**
 * Flip-rate rule over each test's first-attempt outcomes on the default branch, in arrival order, over its
 * last 50 runs there. Its verdict is the one it gives at the end of the history (a rate can fall back
 * under the threshold); detection is when the rate last rose above it and stayed there.
 */
export function flipRateRule(history: DemoHistory, options: FlipRateOptions = FLIP_RATE_DEFAULTS): Detections {
  const out = undetected(history);
  const outcomes = new Map<string, boolean[]>(); // the last `window` first-attempt outcomes on main, failed = true
  for (const { upload, key, attempts, runs } of replayCounting(history)) {
    if (upload.meta.branch !== history.defaultBranch) continue;
    const recent = outcomes.get(key) ?? [];
    recent.push(attempts[0] === "failed");
    if (recent.length > options.window) recent.shift();
    outcomes.set(key, recent);
    let flips = 0;
    for (let i = 1; i < recent.length; i++) if (recent[i] !== recent[i - 1]) flips++;
    const flaky = recent.length >= options.minRuns && flips / (recent.length - 1) > options.threshold;
    const was = out.get(key)?.flaky ?? false;
    if (flaky !== was) out.set(key, { flaky, detectedAfterRuns: flaky ? runs : null });
  }
  return out;
}
