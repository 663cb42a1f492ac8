/** The shape of a scan of the default-branch history (score-history.ts), on its own so the evidence it feeds can read it. */
import type { Evidence } from "../model/verdict.ts";

/** What the default-branch history says. Rate counts are decayed by age; regressions are left out. */
export interface History {
  rateFailures: number;
  rateTotal: number;
  /** Separate failure episodes (runs of failures, or retries) with passes between. */
  episodes: number;
  /** Runs of the latest episodes, newest last. */
  episodeRuns: string[];
  /** Observations on the default branch that counted. */
  observations: number;
  /** Failure episodes with passing runs before and after, in the last half-life, and their decayed weights combined. */
  isolated: number;
  isolatedWeight: number;
  /** Isolated failures whose commit passed on another variant: direct evidence, newest last. */
  confirmed: Evidence[];
  /** The test is failing now, from some commit onward: a step change, or a deterministic failure (`brokenIsShort`). */
  broken: Evidence | null;
  brokenIsShort: boolean;
  /** The latest regression that was fixed (failed in a row, then passed again). */
  recovered: Evidence | null;
  /** Deterministic breaks that a later commit fixed, and the commits of every deterministic break. */
  fixedBreaks: number;
  breakCommits: string[];
}
