/** Plain types for detection: what a test did in each report, and what FlakeGuard concludes. */
import type { AttemptStatus } from "./report.ts";

/** A test's verdict: flaky, broken (a real regression), healthy, or new (not enough history yet). */
export type VerdictStatus = "healthy" | "flaky" | "broken" | "new";

/** What one test did in one report: its attempts folded, with where and when the report came from. */
export interface Observation {
  reportId: string;
  /** CI run id, job and the job's re-run attempt (1 = first run). */
  run: string | null;
  job: string | null;
  jobAttempt: number;
  commit: string | null;
  branch: string | null;
  pr: string | null;
  /** Canonical `k=v,k=v`; "" when the report had none. */
  variant: string;
  receivedAt: number;
  /** Passed if any attempt passed, else the last attempt's status. */
  outcome: AttemptStatus;
  /** Failed (or errored) and passed within this one report: in-run retry evidence. */
  retriedPass: boolean;
  attempts: number;
  /** Fingerprint of the first failing attempt, if any. */
  fingerprint: string | null;
  /** The report was an infrastructure incident: its failures are not evidence about the test. */
  incident: boolean;
}

/** One piece of evidence, in plain words, with the runs and commit it points at. */
export interface Evidence {
  kind: "retry" | "same-commit" | "history" | "step-change" | "recovered" | "incident";
  text: string;
  runs: string[];
  commit?: string;
  variant?: string;
  /** How much it moved the score (for ordering in the UI). */
  weight: number;
}

/** The verdict on a test (overall or for one variant). */
export interface Verdict {
  status: VerdictStatus;
  /** Flakiness score in [0, 1] and its confidence interval. */
  score: number;
  low: number;
  high: number;
  /** Share of counted (non-incident, non-skipped) observations that failed. */
  failureRate: number;
  runs: number;
  failures: number;
  lastFailureAt: number | null;
  evidence: Evidence[];
}

/** A test's verdict overall and per variant. */
export interface TestVerdicts {
  overall: Verdict;
  variants: Record<string, Verdict>;
}

/** What the scorer needs to know about the project. */
export interface ScoringContext {
  defaultBranch: string;
  now: number;
  /** The history handed in is all there is (not cut to the newest N): its first run is the test's first. */
  completeHistory?: boolean;
}

/** A report's failures summarised for incident detection. */
export interface ReportFailureSummary {
  total: number;
  failing: number;
  /** Failing tests per fingerprint. */
  byFingerprint: Record<string, number>;
}

/** An incident verdict on a report: most tests failed together, or with one shared fingerprint. */
export interface IncidentVerdict {
  incident: boolean;
  cause: string | null;
  reason: string;
}

/** How one failing test of a CI run is classified for PR checks. */
export type FailureClass = "known-flaky" | "quarantined" | "new-failure" | "incident";
