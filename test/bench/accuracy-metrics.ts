// Scoring a detector against the generator's truth: precision, recall over tests that fail at least 2 %
// of the time and failed at least once, the broken / PR-broken / incident-only tests it wrongly called flaky, and detection speed.
import type { TestTruth } from "../../src/demo/types.ts";
import type { Detections } from "./accuracy-baselines.ts";

/** Recall counts the flaky tests whose true failure rate (on their variant) is at least this. */
export const RECALL_MIN_RATE = 0.02;

/** How one detector did on one history. */
export interface Metrics {
  /** Called flaky and truly flaky (any rate) / called flaky; null when it called nothing flaky. */
  precision: number | null;
  /** Truly flaky with rate ≥ 2 % and called flaky / truly flaky with rate ≥ 2 %. */
  recall: number | null;
  called: number;
  eligible: number;
  /** Tests wrongly called flaky, by what they really are. */
  falseRegression: string[];
  falseOneCommit: string[];
  falsePrBroken: string[];
  falseIncident: string[];
  falseHealthy: string[];
  /** Median reports-until-detected over the eligible flaky tests it caught. */
  medianDetection: number | null;
  /** The same median over those in jobs with in-run retries, and over those in jobs without (null: no split given). */
  medianRetrying: number | null;
  medianNoRetry: number | null;
}

const isFlaky = (t: TestTruth | undefined) => t?.kind === "flaky" || t?.kind === "flaky-variant";

/**
 * Scores detections against the truth. `retrying` (the tests whose job reruns failures in the run) splits
 * the median: with retries a flake proves itself in its first failing report; without, the detectors differ.
 */
export function metrics(
  truth: Record<string, TestTruth>,
  predicted: Detections,
  retrying?: ReadonlySet<string>,
  failedOnce?: ReadonlySet<string>,
): Metrics {
  const called = [...predicted].filter(([, d]) => d.flaky).map(([key]) => key);
  const wrong = (kind: TestTruth["kind"]) => called.filter((key) => truth[key]?.kind === kind);
  // A flake that never failed (outside outages) left no evidence to find it by.
  const eligible = Object.keys(truth).filter(
    (key) => isFlaky(truth[key]) && (truth[key].rate ?? 0) >= RECALL_MIN_RATE && (failedOnce?.has(key) ?? true),
  );
  const caught = eligible.filter((key) => predicted.get(key)?.flaky);
  const runsOf = (keys: string[]) =>
    keys.map((key) => predicted.get(key)?.detectedAfterRuns).filter((n): n is number => typeof n === "number");
  const runs = runsOf(caught);
  return {
    precision: called.length === 0 ? null : called.filter((key) => isFlaky(truth[key])).length / called.length,
    recall: eligible.length === 0 ? null : caught.length / eligible.length,
    called: called.length,
    eligible: eligible.length,
    falseRegression: wrong("regression"),
    falseOneCommit: wrong("one-commit-break"),
    falsePrBroken: wrong("pr-broken"),
    falseIncident: wrong("incident-only"),
    falseHealthy: wrong("healthy"),
    medianDetection: median(runs),
    medianRetrying: retrying ? median(runsOf(caught.filter((key) => retrying.has(key)))) : null,
    medianNoRetry: retrying ? median(runsOf(caught.filter((key) => !retrying.has(key)))) : null,
  };
}

/** Median of a list of numbers (mean of the middle two for even lengths); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
