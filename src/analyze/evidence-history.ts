/** Evidence from default-branch history in plain words: step changes, fixed regressions, isolated failures. */
import type { Evidence, Observation, ScoringContext } from "../model/verdict.ts";
import { isFailing } from "./evidence-commits.ts";
import { percent, pin, runKey, shortCommit, where } from "./evidence.ts";
import { EVIDENCE_PER_KIND, HALF_LIFE_MS, MIN_EPISODES, MIN_ISOLATED } from "./score-constants.ts";
import type { History } from "./history.ts";

/**
 * Whether an observation is default-branch history. Reports without branch and PR say nothing either
 * way; they are taken as the main pipeline, which is where uploads without metadata usually come from.
 */
export function onDefaultBranch(o: Observation, ctx: ScoringContext): boolean {
  return o.pr === null && (o.branch === null || o.branch === ctx.defaultBranch);
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

/** "failing since commit a1b2c3d on main: the last 4 runs all failed …" */
export function stepChange(obs: readonly Observation[], ctx: ScoringContext, start: number, length: number): Evidence {
  const first = obs[start];
  return {
    kind: "step-change",
    weight: 1,
    runs: stretchRuns(obs, ctx, start, obs.length),
    ...(first.commit === null ? {} : { commit: first.commit }),
    text:
      `failing since commit ${shortCommit(first.commit)} on ${ctx.defaultBranch}: the last ${length} runs all failed, ` +
      "with no retry or same-commit pass among them — a real break, not flakiness",
  };
}

/** "failed 5 times in a row from commit a1b2c3d, then passed again at b2c3d4e: a regression that was fixed" */
export function recovered(
  obs: readonly Observation[],
  ctx: ScoringContext,
  start: number,
  length: number,
  passedAt: number,
): Evidence {
  const first = obs[start];
  const fixed = obs[passedAt];
  return {
    kind: "recovered",
    weight: 0,
    runs: stretchRuns(obs, ctx, start, passedAt),
    ...(first.commit === null ? {} : { commit: first.commit }),
    text:
      `failed ${length} times in a row from commit ${shortCommit(first.commit)}, then passed again at ` +
      `${shortCommit(fixed.commit)}: a regression that was fixed, not flakiness`,
  };
}

/** A deterministic failure: every execution at `commit` failed, `executions` of them, as `where` lists. */
export interface DeterministicFailure {
  commit: string;
  executions: number;
  /** "os=linux, 3 attempts; os=windows" */
  where: string;
  /** Commits the failing stretch spans (1 for a one-commit break). */
  commits: number;
}

function allFailed(d: DeterministicFailure): string {
  const more = d.commits > 1 ? ` and the ${d.commits - 1} commit${d.commits > 2 ? "s" : ""} after it` : "";
  return `failed on all ${d.executions} executions at ${shortCommit(d.commit)} (${d.where})${more}`;
}

/** "failing at a1b2c3d on main: failed on all 4 executions there (…) — a real break, not flakiness" */
export function openBreak(
  obs: readonly Observation[],
  ctx: ScoringContext,
  start: number,
  d: DeterministicFailure,
): Evidence {
  return {
    kind: "step-change",
    weight: 1,
    runs: stretchRuns(obs, ctx, start, obs.length),
    commit: d.commit,
    text: `failing on ${ctx.defaultBranch}: ${allFailed(d)} — a real break, not flakiness`,
  };
}

/** "failed on all 4 executions at a1b2c3d (linux, 3 attempts; windows) and passed at the next commit: a break that was fixed, not a flake" */
export function fixedBreak(
  obs: readonly Observation[],
  ctx: ScoringContext,
  start: number,
  passedAt: number,
  d: DeterministicFailure,
  count: number,
): Evidence {
  const more = count > 1 ? `; ${count} breaks like this in all` : "";
  return {
    kind: "recovered",
    weight: 0,
    runs: stretchRuns(obs, ctx, start, passedAt),
    commit: d.commit,
    text: `${allFailed(d)} and passed at the next commit (${shortCommit(obs[passedAt].commit)}): a break that was fixed, not a flake${more}`,
  };
}

/**
 * "failed once at a1b2c3d (os=windows) in run 8812 job unit-1, between passing runs on main, and passed
 * at that commit on os=linux in run 8812 job unit-2": an isolated failure the same code passed elsewhere.
 */
export function isolatedEvidence(
  failed: Observation,
  passed: Observation,
  ctx: ScoringContext,
  weight: number,
): Evidence {
  const on = (o: Observation) => (o.variant === "" ? "" : ` on ${o.variant}`);
  return {
    kind: "same-commit",
    weight,
    runs: runKey(failed) === runKey(passed) ? [runKey(failed)] : [runKey(failed), runKey(passed)],
    ...pin(failed),
    text:
      `failed at ${shortCommit(failed.commit)}${on(failed)} in ${where(failed)}, between passing runs on ` +
      `${ctx.defaultBranch}, and passed at that commit${on(passed)} in ${where(passed)}`,
  };
}

/** "failed at 4 separate times in 38 runs on main, passing in between; failure rate 10 % (…)" */
export function historyEvidence(
  h: History,
  ctx: ScoringContext,
  mean: number,
  low: number,
  high: number,
  weight: number,
): Evidence {
  const times = h.episodes === 1 ? "once" : `at ${h.episodes} separate times`;
  const judged =
    h.episodes < MIN_EPISODES
      ? "one failure stretch is not flakiness"
      : h.isolated >= MIN_ISOLATED
        ? `${h.isolated} of them in the last ${HALF_LIFE_MS / 86_400_000} days with passing runs before and after`
        : "passing in between";
  return {
    kind: "history",
    weight,
    runs: [...h.episodeRuns].reverse(),
    text:
      `failed ${times} in ${h.observations} runs on ${ctx.defaultBranch}, ${judged}; failure rate ` +
      `${percent(mean)} (95 % interval ${percent(low)}–${percent(high)}, recent runs weigh more)`,
  };
}

/** "failed in 3 reports that were an infrastructure incident; those failures are not counted" */
export function incidentEvidence(count: number, runs: string[]): Evidence {
  const reports = count === 1 ? "a report that was" : `${count} reports that were`;
  return {
    kind: "incident",
    weight: 0,
    runs: [...runs].reverse(),
    text: `failed in ${reports} an infrastructure incident; those failures are not counted`,
  };
}
