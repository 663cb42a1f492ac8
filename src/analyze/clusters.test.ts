import { describe, expect, it } from "vitest";
import { Random } from "../demo/random.ts";
import type { Observation } from "../model/verdict.ts";
import { HOUR, NOW, obs } from "../../test/helpers/score-histories.ts";
import { benjaminiHochberg, coFailureTail } from "./cluster-stats.ts";
import { explainCluster, sharedFailures } from "./cluster-explain.ts";
import { detectClusters, type ClusterCandidate } from "./clusters.ts";

/** A project's flaky tests over `runs` job runs: each test fails on its own at `rate`, and when its shared cause fires. */
function project(
  runs: number,
  tests: { id: string; rate: number; cause?: string; variant?: string }[],
  causes: Record<string, number>,
  seed = 1,
): ClusterCandidate[] {
  const rng = new Random(seed);
  const histories = new Map(tests.map((t) => [t.id, [] as Observation[]]));
  for (let r = 0; r < runs; r++) {
    const fired = new Set(Object.keys(causes).filter((c) => rng.chance(causes[c])));
    for (const variant of ["os=linux", "os=windows"]) {
      for (const t of tests) {
        const failed =
          (t.variant === undefined || t.variant === variant) &&
          ((t.cause !== undefined && fired.has(t.cause)) || rng.chance(t.rate));
        histories.get(t.id)?.push(
          obs({
            reportId: `r${r}-${variant}`,
            run: String(r),
            variant,
            receivedAt: NOW - (runs - r) * HOUR,
            outcome: failed ? "failed" : "passed",
            fingerprint: failed ? (t.cause ? `fp-${t.cause}` : `fp-${t.id}`) : null,
          }),
        );
      }
    }
  }
  return tests.map((t) => ({ id: t.id, suite: `suite-${t.id.slice(0, 1)}`, history: histories.get(t.id) ?? [] }));
}

const members = (prefix: string, n: number, cause: string, rate = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, rate: i % 2 === 0 ? rate : 0, cause }));
const loners = (n: number, rate: number) => Array.from({ length: n }, (_, i) => ({ id: `z${i}`, rate }));

describe("detectClusters", () => {
  it("finds each planted cluster, and leaves independent flaky tests out", () => {
    const tests = [...members("a", 6, "net", 0.05), ...members("b", 4, "db"), ...loners(20, 0.08)];
    const found = detectClusters(project(300, tests, { net: 0.05, db: 0.1 }));
    expect(found.map((c) => c.tests)).toEqual([
      ["a0", "a1", "a2", "a3", "a4", "a5"],
      ["b0", "b1", "b2", "b3"],
    ]);
    expect(found[0].stats.coFailures).toBeGreaterThan(10);
    expect(found[0].stats.failures).toBeGreaterThan(found[0].stats.coFailures);
  });

  it("finds no cluster among independent flaky tests, whatever their rates", () => {
    for (const seed of [1, 2, 3]) {
      const tests = [...loners(30, 0.2), ...Array.from({ length: 10 }, (_, i) => ({ id: `y${i}`, rate: 0.4 }))];
      expect(detectClusters(project(300, tests, {}, seed))).toEqual([]);
    }
  });

  it("does not link two tests that flake on the same variant only, independently", () => {
    const tests = Array.from({ length: 8 }, (_, i) => ({ id: `w${i}`, rate: 0.3, variant: "os=windows" }));
    expect(detectClusters(project(300, tests, {}))).toEqual([]);
  });

  it("needs co-failures: a cause that fired once is not a cluster", () => {
    const tests = members("a", 6, "net");
    const candidates = project(300, tests, { net: 0 });
    // One run where all six failed together: no test can tell that from chance.
    for (const c of candidates)
      for (const r of [10]) for (const o of c.history) if (o.run === String(r)) Object.assign(o, { outcome: "failed" });
    expect(detectClusters(candidates)).toEqual([]);
  });

  it("lets old co-failures fade as verdict evidence does", () => {
    const tests = members("a", 5, "net");
    const fresh = project(100, tests, { net: 0.05 }, 4);
    expect(detectClusters(fresh)).toHaveLength(1);
    // The same history, followed by two months of passes in every test: its co-failures weigh almost nothing.
    const aged = fresh.map((c) => ({
      ...c,
      history: [
        ...c.history,
        ...Array.from({ length: 60 }, (_, d) =>
          obs({ reportId: `late${d}`, run: `late${d}`, receivedAt: NOW + (d + 1) * 24 * HOUR }),
        ),
      ],
    }));
    expect(detectClusters(aged)).toEqual([]);
  });

  it("does not count failures in incidents or skips", () => {
    const candidates = project(200, members("a", 5, "net"), { net: 0.1 });
    for (const c of candidates) for (const o of c.history) if (o.outcome === "failed") o.incident = true;
    expect(detectClusters(candidates)).toEqual([]);
  });

  it("explains a cluster in plain words", () => {
    const [cluster] = detectClusters(project(300, members("a", 5, "net", 0), { net: 0.1 }));
    const messages = new Map([["fp-net", "ECONNRESET from payments-sandbox\n  at x"]]);
    const text = explainCluster(cluster.stats, sharedFailures(cluster.stats, messages));
    expect(text).toMatch(/^5 tests in 1 suite failed together in \d+ of the \d+ reports where any of them failed/);
    expect(text).toContain("all with `ECONNRESET from payments-sandbox`");
    expect(explainCluster(cluster.stats, sharedFailures(cluster.stats, new Map()))).toContain(
      "all with failure fingerprint fp-net",
    );
    // They ran in one job, so naming it says nothing; nor does either OS, which co-failures share evenly.
    expect(text).not.toMatch(/in job|on os=/);
  });

  it("names the message the co-failures share when each test's stack makes its own fingerprint", () => {
    const candidates = project(300, members("a", 5, "net"), { net: 0.1 });
    for (const c of candidates) for (const o of c.history) if (o.fingerprint) o.fingerprint = `fp-${c.id}`;
    const [cluster] = detectClusters(candidates);
    const messages = new Map(
      candidates.map((c, i) => [`fp-${c.id}`, `connect ECONNRESET 10.0.0.${i}:${5000 + i} (pool 0xab${i}f)`]),
    );
    const shared = sharedFailures(cluster.stats, messages);
    expect(shared[0].reports).toBe(cluster.stats.coFailures);
    expect(explainCluster(cluster.stats, shared)).toMatch(/, all with `connect ECONNRESET 10\.0\.0\.\d:\d+/);
  });

  it("says where co-failures concentrate", () => {
    const tests = members("a", 5, "net").map((t) => ({ ...t, variant: "os=windows" }));
    const [cluster] = detectClusters(project(300, [...tests, { id: "b0", rate: 0.1 }], { net: 0.1 }));
    expect(explainCluster(cluster.stats)).toMatch(/, all on os=windows/);
  });
});

describe("cluster statistics", () => {
  it("gives the hypergeometric upper tail", () => {
    // 2 of 2 draws from 2 successes in 4: 1 / C(4,2).
    expect(coFailureTail(4, 2, 2, 2)).toBeCloseTo(1 / 6, 10);
    expect(coFailureTail(10, 3, 3, 0)).toBe(1);
    expect(coFailureTail(10, 3, 3, 4)).toBe(0);
    expect(coFailureTail(100, 10, 10, 1)).toBeCloseTo(1 - 0.3304762, 5);
  });

  it("controls the false-discovery rate over every pair tested", () => {
    expect([...benjaminiHochberg([0.001, 0.02, 0.04], 3, 0.05)].sort()).toEqual([0, 1, 2]);
    expect([...benjaminiHochberg([0.0004, 0.02, 0.04], 100, 0.05)]).toEqual([0]);
    expect([...benjaminiHochberg([0.5, 0.9], 2, 0.05)]).toEqual([]);
  });
});
