/**
 * History on the default branch: a decayed failure rate over the separate failure episodes, with
 * stretches of consecutive failures (step changes) set apart as regressions — broken while they last,
 * "recovered" once the test passes again — instead of counting as flakiness; and isolated failures
 * (one run failing between passing runs), which no step change explains.
 */
import type { Observation, ScoringContext } from "../model/verdict.ts";
import type { CommitIndex } from "./evidence-commits.ts";
import { isFailing } from "./evidence-commits.ts";
import { fixedBreak, isolatedEvidence, onDefaultBranch, openBreak, recovered, stepChange } from "./evidence-history.ts";
import {
  executionFailureRate,
  mayBeDeterministic,
  ownCommits,
  tooUnlikelyForFlake,
  type AtCommit,
} from "./deterministic.ts";
import { runKey } from "./evidence.ts";
import {
  BROKEN_CHANCE,
  BROKEN_MAX_STREAK,
  BROKEN_MIN_STREAK,
  EVIDENCE_PER_KIND,
  HALF_LIFE_MS,
  ISOLATED_WEIGHT,
  SAME_COMMIT_WEIGHT,
} from "./score-constants.ts";
import type { History } from "./history.ts";
import { decay, noisyOr, streakNeeded } from "./stats.ts";

export { onDefaultBranch } from "./evidence-history.ts";

/**
 * Scan counted observations (oldest first) on the default branch. `commits` indexes them by commit;
 * `others` says what every variant did at a commit (absent: this history is the only variant).
 */
export function scanHistory(
  obs: readonly Observation[],
  ctx: ScoringContext,
  commits: CommitIndex,
  others?: AtCommit,
): History {
  const h: History = {
    rateFailures: 0,
    rateTotal: 0,
    episodes: 0,
    episodeRuns: [],
    observations: 0,
    isolated: 0,
    isolatedWeight: 0,
    confirmed: [],
    broken: null,
    brokenIsShort: false,
    recovered: null,
    fixedBreaks: 0,
    breakCommits: [],
  };
  const at = others ?? ownCommits(obs, commits);
  const candidate = (commit: string | null) => mayBeDeterministic(commit, commits, at);
  const { rate, commits: tries } = executionFailureRate(obs, ctx, candidate);
  let deterministic = false; // every commit of the open stretch failed on all of its (≥ 2) executions
  let executions = 0;
  let lastCommit: string | null = null;
  let distinctCommits = 0;
  let failsBefore = 0; // raw, outside regressions: the test's own failure rate before a stretch
  let seenBefore = 0;
  let passed = false; // a default-branch pass came before the open stretch
  let start = -1; // the open stretch of consecutive failures
  let length = 0;
  let weight = 0;
  let manyRuns = false;
  let mixed = false;
  let twin: Observation | null = null; // a pass of a failing commit of the stretch on another variant
  let twinOf = -1;
  const close = (passedAt: number): void => {
    // Long enough that its own past rate would produce such a stretch anywhere in its runs so far < 1 % of the time.
    const k = streakNeeded(
      seenBefore === 0 ? 0 : failsBefore / seenBefore,
      BROKEN_CHANCE / Math.max(1, seenBefore),
      BROKEN_MIN_STREAK,
      BROKEN_MAX_STREAK,
    );
    if (length >= k && manyRuns && !mixed) {
      if (passedAt < 0) h.broken = stepChange(obs, ctx, start, length);
      else h.recovered = recovered(obs, ctx, start, length, passedAt);
    } else if (deterministic && tooUnlikelyForFlake(rate, executions, tries)) {
      // A break however short: no flake at this test's rate fails every execution like that.
      const commit = obs[start].commit as string;
      for (let i = start; i < (passedAt < 0 ? obs.length : passedAt); i++) {
        const c = obs[i].commit;
        if (c !== null && h.breakCommits.at(-1) !== c && isFailing(obs[i]) && onDefaultBranch(obs[i], ctx))
          h.breakCommits.push(c);
      }
      const what = { commit, executions, where: at.describe(commit), commits: distinctCommits };
      if (passedAt < 0) [h.broken, h.brokenIsShort] = [openBreak(obs, ctx, start, what), true];
      else h.recovered = fixedBreak(obs, ctx, start, passedAt, what, ++h.fixedBreaks);
    } else {
      episode(h, runKey(obs[start]), weight);
      failsBefore += length;
      seenBefore += length;
      // No step change explains a stretch that ended in a pass and came after one — or that opened a
      // complete history (a cut history may begin inside a longer regression).
      if (passedAt >= 0 && (passed || ctx.completeHistory === true))
        isolated(h, obs[start], ctx, twin === null || mixed ? null : [obs[twinOf], twin]);
    }
    start = -1;
  };
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    if (o.incident || o.outcome === "skipped" || !onDefaultBranch(o, ctx)) continue;
    h.observations++;
    const w = decay(ctx.now - o.receivedAt, HALF_LIFE_MS);
    if (isFailing(o)) {
      if (start < 0) {
        [start, length, weight, manyRuns, mixed, twin] = [i, 0, 0, false, false, null];
        [deterministic, executions, lastCommit, distinctCommits] = [true, 0, null, 0];
      }
      if (o.commit !== lastCommit || o.commit === null) {
        // Executions are counted per commit, over every variant: each commit of the stretch must qualify.
        deterministic &&= candidate(o.commit);
        if (o.commit !== null) executions += at.failedExecutions(o.commit);
        lastCommit = o.commit;
        distinctCommits++;
      }
      length++;
      weight += w;
      manyRuns ||= runKey(o) !== runKey(obs[start]);
      mixed ||= commits.mixed(o.commit);
      if (twin === null && others && o.commit !== null) [twin, twinOf] = [others.passOf(o.commit), i];
      continue;
    }
    if (start >= 0) close(i);
    passed = true;
    h.rateTotal += w;
    seenBefore++;
    if (o.retriedPass) {
      // Its first attempt failed: a failure episode of its own, interleaved by definition.
      h.rateFailures += w;
      failsBefore++;
      episode(h, runKey(o), 0);
    }
  }
  if (start >= 0) close(-1);
  return h;
}

function episode(h: History, run: string, weight: number): void {
  h.episodes++;
  h.rateFailures += weight;
  h.rateTotal += weight;
  h.episodeRuns.push(run);
  if (h.episodeRuns.length > EVIDENCE_PER_KIND) h.episodeRuns.shift();
}

// A failure episode between passing runs. Passed elsewhere (another variant) at that commit, it is direct evidence.
function isolated(h: History, failed: Observation, ctx: ScoringContext, twin: [Observation, Observation] | null): void {
  const age = decay(ctx.now - failed.receivedAt, HALF_LIFE_MS);
  // Counted only while recent, so that an old history stops convincing (as the failure rate's interval does).
  if (ctx.now - failed.receivedAt <= HALF_LIFE_MS) {
    h.isolated++;
    h.isolatedWeight = noisyOr(h.isolatedWeight, ISOLATED_WEIGHT * age);
  }
  if (twin === null) return;
  h.confirmed.push(isolatedEvidence(twin[0], twin[1], ctx, SAME_COMMIT_WEIGHT * age));
  if (h.confirmed.length > EVIDENCE_PER_KIND) h.confirmed.shift();
}
