/**
 * History on the default branch: a decayed failure rate over the separate failure episodes, with
 * stretches of consecutive failures (step changes) set apart as regressions — broken while they last,
 * "recovered" once the test passes again — instead of counting as flakiness.
 */
import type { Evidence, Observation, ScoringContext } from "../model/verdict.ts";
import type { CommitIndex } from "./evidence-commits.ts";
import { isFailing } from "./evidence-commits.ts";
import { runKey, shortCommit } from "./evidence.ts";
import { BROKEN_CHANCE, BROKEN_MAX_STREAK, BROKEN_MIN_STREAK, EVIDENCE_PER_KIND, HALF_LIFE_MS } from "./score-constants.ts";
import { decay, streakNeeded } from "./stats.ts";

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
  /** The test is failing now, from some commit onward: a step change. */
  broken: Evidence | null;
  /** The latest regression that was fixed (failed in a row, then passed again). */
  recovered: Evidence | null;
}

/**
 * Whether an observation is default-branch history. Reports without branch and PR say nothing either
 * way; they are taken as the main pipeline, which is where uploads without metadata usually come from.
 */
export function onDefaultBranch(o: Observation, ctx: ScoringContext): boolean {
  return o.pr === null && (o.branch === null || o.branch === ctx.defaultBranch);
}

/** Scan counted observations (oldest first) on the default branch. `commits` holds the mixed commits. */
export function scanHistory(obs: readonly Observation[], ctx: ScoringContext, commits: CommitIndex): History {
  const h: History = { rateFailures: 0, rateTotal: 0, episodes: 0, episodeRuns: [], observations: 0, broken: null, recovered: null };
  let failsBefore = 0; // raw, outside regressions: the test's own failure rate before a stretch
  let seenBefore = 0;
  let start = -1; // the open stretch of consecutive failures
  let length = 0;
  let weight = 0;
  let manyRuns = false;
  let mixed = false;
  const close = (passedAt: number): void => {
    const k = streakNeeded(seenBefore === 0 ? 0 : failsBefore / seenBefore, BROKEN_CHANCE, BROKEN_MIN_STREAK, BROKEN_MAX_STREAK);
    if (length >= k && manyRuns && !mixed) {
      if (passedAt < 0) h.broken = stepChange(obs, ctx, start, length);
      else h.recovered = recovered(obs, ctx, start, length, passedAt);
    } else {
      episode(h, runKey(obs[start]), weight);
      failsBefore += length;
      seenBefore += length;
    }
    start = -1;
  };
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    if (o.incident || o.outcome === "skipped" || !onDefaultBranch(o, ctx)) continue;
    h.observations++;
    const w = decay(ctx.now - o.receivedAt, HALF_LIFE_MS);
    if (isFailing(o)) {
      if (start < 0) [start, length, weight, manyRuns, mixed] = [i, 0, 0, false, false];
      length++;
      weight += w;
      manyRuns ||= runKey(o) !== runKey(obs[start]);
      mixed ||= commits.mixed(o.commit);
      continue;
    }
    if (start >= 0) close(i);
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

function stretchRuns(obs: readonly Observation[], ctx: ScoringContext, start: number, end: number): string[] {
  const runs: string[] = [];
  for (let i = start; i < end && runs.length < EVIDENCE_PER_KIND; i++) {
    const o = obs[i];
    const run = runKey(o);
    if (isFailing(o) && !o.incident && onDefaultBranch(o, ctx) && !runs.includes(run)) runs.push(run);
  }
  return runs;
}

function stepChange(obs: readonly Observation[], ctx: ScoringContext, start: number, length: number): Evidence {
  const first = obs[start];
  return {
    kind: "step-change", weight: 1, runs: stretchRuns(obs, ctx, start, obs.length), ...(first.commit === null ? {} : { commit: first.commit }),
    text: `failing since commit ${shortCommit(first.commit)} on ${ctx.defaultBranch}: the last ${length} runs all failed, ` +
      "with no retry or same-commit pass among them — a real break, not flakiness",
  };
}

function recovered(obs: readonly Observation[], ctx: ScoringContext, start: number, length: number, passedAt: number): Evidence {
  const first = obs[start];
  const fixed = obs[passedAt];
  return {
    kind: "recovered", weight: 0, runs: stretchRuns(obs, ctx, start, passedAt),
    ...(first.commit === null ? {} : { commit: first.commit }),
    text: `failed ${length} times in a row from commit ${shortCommit(first.commit)}, then passed again at ` +
      `${shortCommit(fixed.commit)}: a regression that was fixed, not flakiness`,
  };
}
