/**
 * `generateHistory`: a realistic CI history of one repository, with the truth about every test. Pure and
 * deterministic: one seeded PRNG, simulated time from `startTime`, no clock and no Math.random.
 */
import { runJob, type Outage } from "./execute.ts";
import { renderJUnit } from "./junit-xml.ts";
import { jobSlot, planOutages, planPrBreaks, planRetries, RERUN_CHANCE } from "./plan.ts";
import { buildPopulation, JOBS, planFlakeFixes, type SimTest } from "./population.ts";
import { Random } from "./random.ts";
import { buildTimeline, type Push } from "./timeline.ts";
import { firingClusters, planClusters, type PlantedCluster } from "./clusters.ts";
import type { DemoHistory, DemoUpload, GenerateOptions, TestTruth } from "./types.ts";

const SECOND = 1000;
/** Default simulated start: Monday 2025-01-06 09:00 UTC. */
export const DEFAULT_START = Date.UTC(2025, 0, 6, 9);

/** Generates the uploads (in arrival order) and the truth for a seed. */
export function generateHistory(options: GenerateOptions): DemoHistory {
  const rng = new Random(options.seed);
  const commits = Math.max(20, options.commits ?? 150);
  const oses = options.oses ?? ["linux", "windows", "macos"];
  const tests = buildPopulation(rng, Math.max(40, options.tests ?? 300), commits, oses);
  planFlakeFixes(tests, commits, options.fixFlaky ?? 0);
  // Planted after the other kinds (and only when asked): the histories of every seed without clusters stay as they were.
  const clusters = planClusters(rng, tests, options.clusters ?? 0, oses);
  const { main, all } = buildTimeline(
    rng,
    commits,
    Math.max(2, options.prs ?? Math.round(commits / 4)),
    options.startTime ?? DEFAULT_START,
  );
  const breaks = planPrBreaks(rng, tests, all);
  const outages = planOutages(rng, all.length, oses, options.outages ?? Math.max(2, Math.round(commits / 20)));
  const retrying = options.retries === false ? new Set<string>() : planRetries(rng);
  const reruns = options.reruns !== false;
  const byJob = new Map(JOBS.map((job) => [job, tests.filter((t) => t.job === job)]));

  const uploads: DemoUpload[] = [];
  all.forEach((push, index) => {
    for (const job of JOBS) {
      for (const os of oses) {
        const run = {
          push,
          run: String(8800 + index),
          job,
          os,
          retries: retrying.has(job),
          breaks: breaks.get(push) ?? new Set<string>(),
        };
        const first = runOnce(
          rng,
          byJob.get(job) ?? [],
          run,
          1,
          push.time + rng.int(240, 900) * SECOND,
          outages.get(jobSlot(index, job, os)) ?? null,
          firingClusters(rng, clusters, job, os),
        );
        uploads.push(first);
        const failed = first.results.some((r) => r.attempts.at(-1) === "failed");
        if (reruns && (first.outage || (failed && rng.chance(push.pr ? RERUN_CHANCE.pr : RERUN_CHANCE.main)))) {
          uploads.push(
            runOnce(
              rng,
              byJob.get(job) ?? [],
              run,
              2,
              first.receivedAt + rng.int(1200, 3600) * SECOND,
              null,
              firingClusters(rng, clusters, job, os),
            ),
          );
        }
      }
    }
  });
  // Stable: uploads arriving in the same millisecond keep the order they were generated in.
  uploads.sort((a, b) => a.receivedAt - b.receivedAt);
  return {
    seed: options.seed,
    defaultBranch: "main",
    variants: oses.map((os) => `os=${os}`),
    uploads,
    truth: finalTruth(tests, main, uploads, clusters),
  };
}

interface RunSlot {
  push: Push;
  run: string;
  job: string;
  os: string;
  retries: boolean;
  breaks: ReadonlySet<string>;
}

function runOnce(
  rng: Random,
  tests: readonly SimTest[],
  slot: RunSlot,
  attempt: number,
  time: number,
  outage: Outage | null,
  firing: ReadonlySet<number>,
): DemoUpload {
  const { push, os } = slot;
  // Suites in first-seen order, as the XML groups them: `results` mirrors the report's order.
  const executions = bySuite(
    runJob(rng, tests, { os, base: push.base, breaks: slot.breaks, retries: slot.retries, outage, time, firing }),
  );
  const jobName = `${slot.job} (${os})`;
  return {
    meta: {
      commit: push.commit,
      branch: push.branch,
      pr: push.pr,
      run: slot.run,
      job: jobName,
      attempt,
      variant: [`os=${os}`],
    },
    junitXml: renderJUnit(jobName, `runner-${os}-${rng.int(1, 24)}`, time, executions),
    receivedAt: time,
    results: executions.map((e) => ({ key: e.test.key, attempts: e.attempts.map((a) => a.status) })),
    outage: outage !== null,
  };
}

function bySuite<T extends { test: { suite: string } }>(items: T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.test.suite);
    if (group) group.push(item);
    else groups.set(item.test.suite, [item]);
  }
  return [...groups.values()].flat();
}

/** The truth per test: planted kinds, regression commits, and healthy tests that only failed in outages. */
function finalTruth(
  tests: readonly SimTest[],
  main: readonly Push[],
  uploads: readonly DemoUpload[],
  clusters: readonly PlantedCluster[],
): Record<string, TestTruth> {
  const truth: Record<string, TestTruth> = {};
  for (const test of tests) {
    truth[test.key] = { ...test.truth };
    if (test.regression) {
      truth[test.key].introduced = main[test.regression.from].commit;
      truth[test.key].fixed = main[test.regression.to]?.commit;
    }
    // A member's failure rate, for recall: its own plus its cluster's (on its cluster's OS, as a flaky-variant's).
    const cluster = clusters.find((c) => c.id === test.truth.cluster);
    if (cluster) truth[test.key].rate = Math.min(1, (test.truth.rate ?? 0) + cluster.rate);
    if (test.flakeFixedAt !== undefined) truth[test.key].fixed = main[test.flakeFixedAt].commit;
    if (test.breaksAt) truth[test.key].breaks = test.breaksAt.map((i) => main[i].commit);
  }
  // A healthy test fails only when an outage catches it, so any failure makes it incident-only.
  for (const upload of uploads) {
    for (const result of upload.results) {
      if (truth[result.key].kind === "healthy" && result.attempts.includes("failed"))
        truth[result.key] = { kind: "incident-only" };
    }
  }
  return truth;
}
