/** Runs one CI job in the simulation: each test's attempts, with in-run retries when the job has them. */
import { brokenFailure, clusterFailure, flakyFailure, outageFailure, type FailureText } from "./messages.ts";
import type { SimTest } from "./population.ts";
import type { Random } from "./random.ts";
import type { DemoStatus } from "./types.ts";

/** An infrastructure outage during one job: `share` of its tests fail with the same cause. */
export interface Outage {
  cause: number;
  host: string;
  share: number;
}

/** Where and how a job runs. */
export interface JobContext {
  os: string;
  /** Main commit index whose code is under test. */
  base: number;
  /** Tests broken by this very push (a PR push that the next push fixes). */
  breaks: ReadonlySet<string>;
  /** The test runner reruns a failing test up to twice. */
  retries: boolean;
  outage: Outage | null;
  time: number;
  /** Planted clusters whose shared cause fires in this job execution. */
  firing?: ReadonlySet<number>;
}

/** One attempt of a test, as it goes into the XML. */
export interface SimAttempt {
  status: DemoStatus;
  durationMs: number;
  failure?: FailureText;
}

/** One test's attempts in one job. */
export interface Execution {
  test: SimTest;
  attempts: SimAttempt[];
}

/** Max in-run attempts when a job retries (the first run and two reruns). */
export const MAX_ATTEMPTS = 3;

/** Executes every test of a job. Consistent failures (outage, regression, PR break) fail every retry too. */
export function runJob(rng: Random, tests: readonly SimTest[], ctx: JobContext): Execution[] {
  return tests.map((test) => {
    if (test.alwaysSkipped) return { test, attempts: [{ status: "skipped", durationMs: 0 }] };
    const steady = steadyFailure(rng, test, ctx);
    const rate = flakeRate(test, ctx.os, ctx.base);
    const cluster = test.truth.cluster;
    const hit = cluster !== undefined && ctx.firing?.has(cluster) === true;
    const attempts: SimAttempt[] = [];
    do {
      // A cluster's cause fails the first attempt; a retry passes unless the test flakes on its own then.
      const shared = hit && attempts.length === 0 ? clusterFailure(cluster, test.file, ctx.time, rng) : undefined;
      const failing =
        steady ?? shared ?? (rng.chance(rate) ? flakyFailure(test.cause, test.file, ctx.time, rng) : undefined);
      const durationMs = rng.int(3, 900);
      attempts.push(failing ? { status: "failed", durationMs, failure: failing } : { status: "passed", durationMs });
    } while (ctx.retries && attempts.at(-1)?.status === "failed" && attempts.length < MAX_ATTEMPTS);
    return { test, attempts };
  });
}

/** The failure a test has on every attempt of this job, if any: caught in the outage, or really broken. */
function steadyFailure(rng: Random, test: SimTest, ctx: JobContext): FailureText | undefined {
  if (ctx.outage && rng.chance(ctx.outage.share))
    return outageFailure(ctx.outage.cause, ctx.outage.host, ctx.time, rng);
  const r = test.regression;
  if (r && ctx.base >= r.from && ctx.base < r.to && (!r.os || r.os === ctx.os))
    return brokenFailure("regression", test.file);
  if (test.breaksAt?.includes(ctx.base)) return brokenFailure("regression", test.file);
  if (ctx.breaks.has(test.key)) return brokenFailure("pr-broken", test.file);
  return undefined;
}

/** Per-attempt failure probability of a test on an OS, in the code of main commit `base`. */
export function flakeRate(test: SimTest, os: string, base = 0): number {
  const { kind, rate = 0, variant } = test.truth;
  // A flaky test someone fixed never fails again in code that carries the fix.
  if (test.flakeFixedAt !== undefined && base >= test.flakeFixedAt) return 0;
  if (kind === "flaky") return rate;
  if (kind === "flaky-variant" && variant === `os=${os}`) return rate;
  return 0;
}
