/**
 * Deterministic failures: a commit on which a test failed on every execution (in-run retries, jobs,
 * variants, job re-runs), at least two of them, is evidence of a break that a later commit fixed — not of
 * flakiness — unless the test's own failure rate makes that many failures at once likely.
 */
import type { Observation, ScoringContext } from "../model/verdict.ts";
import { isFailing, type CommitIndex } from "./evidence-commits.ts";
import { onDefaultBranch } from "./evidence-history.ts";
import { DETERMINISTIC_CHANCE, DETERMINISTIC_MIN_EXECUTIONS } from "./score-constants.ts";

/** What every variant did at a commit; multi-variant histories answer for all variants at once. */
export interface AtCommit {
  /** A pass of `commit` on another variant, if any. */
  passOf(commit: string): Observation | null;
  /** Failing executions of `commit` on every variant in view (this one included). */
  failedExecutions(commit: string): number;
  /** "os=linux, 3 attempts; os=windows": the failing executions at `commit`, by variant. */
  describe(commit: string): string;
}

/** The view of one history's own commits (a single-variant history has no other variants). */
export function ownCommits(obs: readonly Observation[], commits: CommitIndex): AtCommit {
  return {
    passOf: () => null,
    failedExecutions: (commit) => commits.failedExecutions(commit),
    describe: (commit) => describeFailures(obs, commits.span(commit), commit),
  };
}

/** "os=linux, 3 attempts; os=windows": the failing observations of `commit` within `span`, grouped by variant. */
export function describeFailures(obs: readonly Observation[], [from, to]: [number, number], commit: string): string {
  const byVariant = new Map<string, { jobs: number; executions: number }>();
  for (let i = Math.max(0, from); i <= to; i++) {
    const o = obs[i];
    if (o.commit !== commit || o.incident || !isFailing(o)) continue;
    const seen = byVariant.get(o.variant) ?? { jobs: 0, executions: 0 };
    seen.jobs++;
    seen.executions += Math.max(1, o.attempts);
    byVariant.set(o.variant, seen);
  }
  return [...byVariant]
    .map(([variant, { jobs, executions }]) => {
      const count = executions === 1 ? "" : jobs > 1 ? `${executions} executions` : `${executions} attempts`;
      return [variant, count].filter(Boolean).join(", ") || "1 execution";
    })
    .join("; ");
}

/** Whether the failures on `commit` can be deterministic: only failures there, and at least two executions. */
export function mayBeDeterministic(commit: string | null, own: CommitIndex, at: AtCommit): boolean {
  return commit !== null && own.onlyFailed(commit) && at.failedExecutions(commit) >= DETERMINISTIC_MIN_EXECUTIONS;
}

/**
 * The test's failure rate per execution on the default branch, leaving out the commits that may be
 * deterministic breaks (they are what is being judged): a flake's usual failures stay in, so its rate
 * says how likely its failing everywhere at once is.
 */
export function executionFailureRate(
  obs: readonly Observation[],
  ctx: ScoringContext,
  candidate: (commit: string | null) => boolean,
): { rate: number; commits: number } {
  let executions = 0;
  let failed = 0;
  let commits = 0;
  let last: string | null = null;
  for (const o of obs) {
    if (o.incident || o.outcome === "skipped" || !onDefaultBranch(o, ctx)) continue;
    if (o.commit !== last) [commits, last] = [commits + 1, o.commit]; // in commit order: a commit's reports are together
    const attempts = Math.max(1, o.attempts);
    if (isFailing(o)) {
      if (candidate(o.commit)) continue;
      failed += attempts;
    } else if (o.retriedPass) failed += attempts - 1;
    executions += attempts;
  }
  return { rate: executions === 0 ? 0 : failed / executions, commits };
}

/**
 * Whether `executions` failures together are too unlikely for a flake failing at `rate` per execution:
 * the chance is shared out over the `commits` in view, since a long history gives a flake many tries.
 */
export function tooUnlikelyForFlake(rate: number, executions: number, commits: number): boolean {
  return (
    executions >= DETERMINISTIC_MIN_EXECUTIONS &&
    Math.pow(rate, executions) < DETERMINISTIC_CHANCE / Math.max(1, commits)
  );
}
