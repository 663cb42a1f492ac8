/** The shapes of a generated demo CI history: uploads as a CI system would send them, and the truth. */

/** What a test really is in the simulation. */
export type TruthKind =
  "healthy" | "flaky" | "flaky-variant" | "regression" | "one-commit-break" | "pr-broken" | "incident-only";

/** The truth about one test; `rate` is the per-attempt failure probability (on `variant` only, when set). */
export interface TestTruth {
  kind: TruthKind;
  rate?: number;
  /** `k=v` of the only variant a flaky-variant test flakes on, or a variant-only regression fails on. */
  variant?: string;
  /** Regression: the main commit that broke it and the one that fixed it; flaky: the commit that fixed the flake. */
  introduced?: string;
  fixed?: string;
  /** PR-broken: the pull request (number) whose push broke it until the next push. */
  pr?: string;
  /** One-commit break: the main commits it failed on, on every execution (each fixed by the next commit). */
  breaks?: string[];
  /** A planted co-failure cluster's id: the test fails whenever its cluster's cause fires (and on its own at `rate`). */
  cluster?: number;
  /** A parameterized test's later invocation (`name [N]` in the key): the same testcase name repeated in a report. */
  invocation?: number;
}

/** Upload metadata, as the upload API takes it in the query string. */
export interface DemoMeta {
  commit: string;
  branch: string;
  /** Pull request number, or null on the default branch. */
  pr: string | null;
  run: string;
  job: string;
  /** The job's re-run attempt: 1, or 2 after a re-run. */
  attempt: number;
  /** `k=v` pairs, e.g. ["os=linux"]. */
  variant: string[];
}

/** Outcome of one attempt as the simulation decided it. */
export type DemoStatus = "passed" | "failed" | "skipped";

/** One test in one report: its attempts in order (in-run retries make several). */
export interface DemoResult {
  key: string;
  attempts: DemoStatus[];
}

/** One report upload. `results` mirrors the XML; `outage` is truth a detector must not read. */
export interface DemoUpload {
  meta: DemoMeta;
  junitXml: string;
  /** Milliseconds since the epoch, simulated. */
  receivedAt: number;
  results: DemoResult[];
  outage: boolean;
}

/** A generated history: uploads in arrival order and the truth per `suite::name`. */
export interface DemoHistory {
  seed: number;
  defaultBranch: string;
  variants: string[];
  uploads: DemoUpload[];
  truth: Record<string, TestTruth>;
}

/** Knobs of the generator; everything but the seed has a default. */
export interface GenerateOptions {
  seed: number;
  /** Number of tests (default 300). */
  tests?: number;
  /** Commits on the default branch (default 150). */
  commits?: number;
  /** Pull requests (default commits / 4). */
  prs?: number;
  /** Operating systems of the matrix (default linux, windows, macos). */
  oses?: string[];
  /** Infrastructure outages (default commits / 20, at least 2). */
  outages?: number;
  /** Whether half of the jobs rerun a failing test in the run (default true). */
  retries?: boolean;
  /** Whether failed jobs get re-run (attempt 2; default true). */
  reruns?: boolean;
  /** Share of the flaky tests that get fixed partway through the history (default 0). */
  fixFlaky?: number;
  /** Co-failure clusters to plant (default 0; bench:accuracy --clusters plants 6). */
  clusters?: number;
  /** Simulated time of the first push, ms since the epoch (default 2025-01-06T09:00Z). */
  startTime?: number;
}

/** Key of a test in the truth and the results: `suite::name`. */
export const testKey = (suite: string, name: string): string => `${suite}::${name}`;
