/** What happens where: which PR push breaks which tests, which jobs hit an outage, which jobs retry. */
import type { Outage } from "./execute.ts";
import { JOBS, type SimTest } from "./population.ts";
import type { Random } from "./random.ts";
import type { Push } from "./timeline.ts";

/** Assigns each pr-broken test to a PR push that has a later push (which fixes it). */
export function planPrBreaks(rng: Random, tests: readonly SimTest[], pushes: readonly Push[]): Map<Push, Set<string>> {
  const candidates = pushes.filter((p) => p.pr !== null && p.push < p.pushes - 1);
  const breaks = new Map<Push, Set<string>>();
  for (const test of tests) {
    if (test.truth.kind !== "pr-broken") continue;
    if (candidates.length === 0) throw new Error("no pull request with a second push to break a test on");
    const push = rng.pick(candidates);
    test.truth.pr = push.pr ?? undefined;
    const set = breaks.get(push) ?? new Set<string>();
    set.add(test.key);
    breaks.set(push, set);
  }
  return breaks;
}

/** Key of one job execution in a push: push index, job, OS. */
export const jobSlot = (push: number, job: string, os: string): string => `${push}|${job}|${os}`;

/** Places `count` outages on integration jobs of random pushes (the database they need goes away). */
export function planOutages(rng: Random, pushes: number, oses: readonly string[], count: number): Map<string, Outage> {
  const jobs = JOBS.filter((job) => job.startsWith("integration"));
  const outages = new Map<string, Outage>();
  for (let tries = 0; outages.size < count && tries < count * 20; tries++) {
    const slot = jobSlot(rng.int(0, pushes - 1), rng.pick(jobs), rng.pick(oses));
    if (outages.has(slot)) continue;
    // A third of outages fail only a third of the job's tests: too few for a failing-share rule alone.
    const share = rng.chance(1 / 3) ? 0.3 + rng.next() * 0.1 : 0.7 + rng.next() * 0.3;
    outages.set(slot, { cause: rng.int(0, 2), host: `10.0.${rng.int(0, 9)}.${rng.int(2, 250)}`, share });
  }
  return outages;
}

/** Half of the jobs run their tests with in-run retries (up to two reruns), the other half without. */
export function planRetries(rng: Random): Set<string> {
  return new Set(rng.shuffle(JOBS).slice(0, Math.ceil(JOBS.length / 2)));
}

/** Chance that a job that failed for another reason than an outage gets re-run by someone (attempt 2). */
export const RERUN_CHANCE = { pr: 0.3, main: 0.1 };
