/** The verdict on one variant's observations: direct evidence, default-branch history, step changes. */
import type { Evidence, Observation, ScoringContext, Verdict, VerdictStatus } from "../model/verdict.ts";
import { isFailing, type CommitIndex } from "./evidence-commits.ts";
import { historyEvidence, incidentEvidence } from "./evidence-history.ts";
import { orderEvidence, retryEvidence, runKey, sameCommitEvidence } from "./evidence.ts";
import {
  EVIDENCE_PER_KIND,
  HALF_LIFE_MS,
  HISTORY_FLOOR,
  MAX_EVIDENCE,
  MIN_EPISODES,
  MIN_ISOLATED,
  MIN_RUNS,
  RETRY_WEIGHT,
  SAME_COMMIT_WEIGHT,
} from "./score-constants.ts";
import type { AtCommit } from "./deterministic.ts";
import { scanHistory } from "./score-history.ts";
import { decay, noisyOr, wilsonHigh, wilsonLow } from "./stats.ts";

/** One variant's verdict, the commits it both passed and failed on (same-variant evidence), and its deterministic breaks. */
export interface VariantScore {
  verdict: Verdict;
  mixedCommits: string[];
  breakCommits: string[];
}

/** How sure history makes us, from a failure rate: 0 at the floor, ½ at twice it, toward 1 above. */
export function historyWeight(rate: number): number {
  return rate > HISTORY_FLOOR ? 1 - HISTORY_FLOOR / rate : 0;
}

/**
 * Score observations of one variant, oldest first; `others` says what every variant did at a commit.
 * `commits` is the caller's scratch index, reset here: a scoring run reuses one for all its tests.
 */
export function scoreVariant(
  obs: readonly Observation[],
  ctx: ScoringContext,
  variant: string,
  others: AtCommit | undefined,
  commits: CommitIndex,
): VariantScore {
  commits.reset();
  let runs = 0,
    failures = 0,
    retries = 0,
    incidents = 0,
    direct = 0;
  let lastFailureAt: number | null = null;
  const retryAt: number[] = [];
  const incidentRuns: string[] = [];
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    if (o.outcome === "skipped") continue;
    const failing = isFailing(o);
    if (o.incident) {
      if (failing) {
        incidents++;
        keepLast(incidentRuns, runKey(o));
      }
      continue;
    }
    runs++;
    if (failing) {
      failures++;
      lastFailureAt = Math.max(lastFailureAt ?? o.receivedAt, o.receivedAt);
    }
    if (o.retriedPass) {
      retries++;
      direct = noisyOr(direct, RETRY_WEIGHT * decay(ctx.now - o.receivedAt, HALF_LIFE_MS));
      keepLast(retryAt, i);
    }
    if (o.commit !== null) commits.note(o.commit, i, failing, o.attempts);
  }
  const evidence: Evidence[] = [];
  for (let j = retryAt.length - 1; j >= 0; j--) {
    const o = obs[retryAt[j]];
    evidence.push(
      retryEvidence(
        o,
        RETRY_WEIGHT * decay(ctx.now - o.receivedAt, HALF_LIFE_MS),
        j === retryAt.length - 1 ? retries : 1,
      ),
    );
  }
  const mixedCommits: string[] = [];
  const same: Evidence[] = [];
  commits.eachMixed((failed, passed, last) => {
    const weight = SAME_COMMIT_WEIGHT * decay(ctx.now - obs[last].receivedAt, HALF_LIFE_MS);
    direct = noisyOr(direct, weight);
    mixedCommits.push(obs[failed].commit as string);
    same.push(sameCommitEvidence(obs[failed], obs[passed], weight, false));
  });
  const h = scanHistory(obs, ctx, commits, others);
  for (const e of h.confirmed) {
    direct = noisyOr(direct, e.weight);
    mixedCommits.push(e.commit as string);
    same.push(e);
  }
  evidence.push(...newestFirst(same));
  // The recent (decayed) share that failed; a uniformly old history keeps its share but widens its interval.
  const mean = h.rateTotal > 0 ? h.rateFailures / h.rateTotal : 0;
  const low = wilsonLow(h.rateFailures, h.rateTotal);
  const high = wilsonHigh(h.rateFailures, h.rateTotal);
  // History moves the score only once it is convincing (interleaved, lower bound above the floor), so a
  // healthy test scores 0 and `high` alone says how flaky it could still turn out to be.
  const fromHistory = h.episodes >= MIN_EPISODES && low > HISTORY_FLOOR;
  const isolated = h.isolated >= MIN_ISOLATED ? h.isolatedWeight : 0;
  const historyScore = noisyOr(fromHistory ? historyWeight(mean) : 0, isolated);
  if (h.episodes > 0) evidence.push(historyEvidence(h, ctx, mean, low, high, historyScore));
  if (h.broken) evidence.push(h.broken);
  if (h.recovered) evidence.push(h.recovered);
  if (incidents > 0) evidence.push(incidentEvidence(incidents, incidentRuns));
  const hasDirect = retries > 0 || same.length > 0;
  // A deterministic failure too short to be a step change does not undo a flake's evidence: a flake that
  // failed everywhere at once stays flaky; the step-change rule (longer for a test that often fails) decides.
  const broken = h.broken !== null && !(h.brokenIsShort && (hasDirect || fromHistory || isolated > 0));
  const status: VerdictStatus = broken
    ? "broken"
    : hasDirect
      ? "flaky"
      : runs < MIN_RUNS
        ? "new"
        : fromHistory || isolated > 0
          ? "flaky"
          : "healthy";
  if (variant !== "") for (const e of evidence) e.variant ??= variant;
  return {
    mixedCommits,
    breakCommits: h.breakCommits,
    verdict: {
      status,
      score: noisyOr(direct, historyScore),
      low: noisyOr(direct, noisyOr(fromHistory ? historyWeight(low) : 0, isolated)),
      high: noisyOr(direct, noisyOr(historyWeight(high), isolated)),
      failureRate: runs === 0 ? 0 : failures / runs,
      runs,
      failures,
      lastFailureAt,
      evidence: orderEvidence(evidence, status, MAX_EVIDENCE),
    },
  };
}

function keepLast<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > EVIDENCE_PER_KIND) list.shift();
}

// Highest weight (newest) first, a handful kept; the first says how many there were in all.
function newestFirst(items: Evidence[]): Evidence[] {
  if (items.length === 0) return items;
  items.sort((a, b) => b.weight - a.weight);
  if (items.length > 1) items[0].text += `; ${items.length} commits like this in all`;
  if (items.length > EVIDENCE_PER_KIND) items.length = EVIDENCE_PER_KIND;
  return items;
}
