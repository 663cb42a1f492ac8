/**
 * Detection: a test's history in, its verdict overall and per variant out. Pure: `now` comes in the
 * context, nothing is stored or logged, and the same observations in any order give the same verdict
 * (they are read in commit order: order.ts).
 */
import type { Evidence, Observation, ScoringContext, TestVerdicts, Verdict, VerdictStatus } from "../model/verdict.ts";
import { CommitIndex, isFailing } from "./evidence-commits.ts";
import { orderEvidence, sameCommitEvidence } from "./evidence.ts";
import { ownCommits, type AtCommit } from "./deterministic.ts";
import { CROSS_VARIANT_WEIGHT, HALF_LIFE_MS, MAX_EVIDENCE } from "./score-constants.ts";
import type { VariantScore } from "./score-variant.ts";
import { scoreVariant } from "./score-variant.ts";
import { decay, noisyOr } from "./stats.ts";
import { inCommitOrder, withoutOrphanReruns } from "./order.ts";

/**
 * Overall takes the worst variant: flaky first (what quarantine acts on), then broken (a real failure
 * to fix), then healthy; `new` only when every variant is new.
 */
export const STATUS_RANK: Record<VerdictStatus, number> = { flaky: 3, broken: 2, healthy: 1, new: 0 };

/**
 * The commit indexes one scoring run reuses from test to test, so scoring a project's tests does not
 * allocate per commit. Two: the per-variant one is reset while the overall one is still read.
 */
export interface ScoringScratch {
  overall: CommitIndex;
  variant: CommitIndex;
}

/** Fresh scratch for one scoring run (one synchronous loop over tests: do not share it across awaits). */
export function scoringScratch(): ScoringScratch {
  return { overall: new CommitIndex(), variant: new CommitIndex() };
}

/**
 * Score one test: every variant on its own, and overall as the worst of them plus cross-variant evidence.
 * Pass one `scratch` to score many tests in a row without allocating its indexes for each.
 */
export function scoreTest(
  history: readonly Observation[],
  ctx: ScoringContext,
  scratch: ScoringScratch = scoringScratch(),
): TestVerdicts {
  const obs = inCommitOrder(withoutOrphanReruns(history, ctx.completeHistory === true));
  let first: string | null = null;
  let several = false;
  for (const o of obs) {
    if (first === null) first = o.variant;
    else if (o.variant !== first) {
      several = true;
      break;
    }
  }
  if (!several) {
    const { verdict } = scoreVariant(obs, ctx, first ?? "", undefined, scratch.variant);
    return { overall: verdict, variants: first ? { [first]: verdict } : {} };
  }
  const groups = new Map<string, Observation[]>();
  for (const o of obs) {
    const group = groups.get(o.variant);
    if (group) group.push(o);
    else groups.set(o.variant, [o]);
  }
  const commits = scratch.overall;
  indexCommits(obs, commits);
  // Every variant's view of a commit, plus where else it passed (a single-variant history has no elsewhere).
  const others: AtCommit = {
    ...ownCommits(obs, commits),
    passOf: (commit) => {
      const i = commits.passOf(commit);
      return i < 0 ? null : obs[i];
    },
  };
  const scores: VariantScore[] = [];
  const variants: Record<string, Verdict> = {};
  for (const name of [...groups.keys()].sort()) {
    const score = scoreVariant(groups.get(name) as Observation[], ctx, name, others, scratch.variant);
    scores.push(score);
    if (name !== "") variants[name] = score.verdict;
  }
  return { overall: merge(scores, crossVariant(obs, ctx, scores, commits)), variants };
}

// Every variant's counted observations by commit: which passed where.
function indexCommits(obs: readonly Observation[], commits: CommitIndex): void {
  commits.reset();
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    if (o.commit !== null && !o.incident && o.outcome !== "skipped")
      commits.note(o.commit, i, isFailing(o), o.attempts);
  }
}

// Commits that passed on one variant and failed on another, and on no single variant did both (nor an
// isolated failure); a variant's deterministic break (failed on every execution there) is no flake either.
function crossVariant(
  obs: readonly Observation[],
  ctx: ScoringContext,
  scores: VariantScore[],
  commits: CommitIndex,
): Evidence[] {
  const out: Evidence[] = [];
  commits.eachMixed((failed, passed, last) => {
    const commit = obs[failed].commit as string;
    if (scores.some((s) => s.mixedCommits.includes(commit) || s.breakCommits.includes(commit))) return;
    const weight = CROSS_VARIANT_WEIGHT * decay(ctx.now - obs[last].receivedAt, HALF_LIFE_MS);
    out.push(sameCommitEvidence(obs[failed], obs[passed], weight, true));
  });
  return out;
}

function merge(scores: VariantScore[], cross: Evidence[]): Verdict {
  let status: VerdictStatus = "new";
  let score = 0,
    low = 0,
    high = 0,
    runs = 0,
    failures = 0;
  let lastFailureAt: number | null = null;
  const evidence: Evidence[] = [...cross];
  for (const { verdict: v } of scores) {
    if (STATUS_RANK[v.status] > STATUS_RANK[status]) status = v.status;
    score = Math.max(score, v.score);
    low = Math.max(low, v.low);
    high = Math.max(high, v.high);
    runs += v.runs;
    failures += v.failures;
    if (v.lastFailureAt !== null) lastFailureAt = Math.max(lastFailureAt ?? v.lastFailureAt, v.lastFailureAt);
    // A deterministic break reads the same from every variant that failed there: say it once.
    for (const e of v.evidence)
      if (!evidence.some((seen) => seen.kind === e.kind && seen.text === e.text)) evidence.push(e);
  }
  let crossWeight = 0;
  for (const e of cross) crossWeight = noisyOr(crossWeight, e.weight);
  return {
    status,
    score: noisyOr(score, crossWeight),
    low: noisyOr(low, crossWeight),
    high: noisyOr(high, crossWeight),
    failureRate: runs === 0 ? 0 : failures / runs,
    runs,
    failures,
    lastFailureAt,
    evidence: orderEvidence(evidence, status, MAX_EVIDENCE),
  };
}
