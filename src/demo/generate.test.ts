import { afterEach, describe, expect, it, vi } from "vitest";
import { generateHistory } from "./generate.ts";
import { spreadRates } from "./population.ts";
import type { DemoHistory, TruthKind } from "./types.ts";

const small = (seed: number): DemoHistory => generateHistory({ seed, tests: 80, commits: 40 });
const failed = (attempts: string[]) => attempts.includes("failed");

describe("generateHistory", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is deterministic: same seed, same history; another seed, another history; no clock, no Math.random", () => {
    vi.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("Math.random used");
    });
    vi.spyOn(Date, "now").mockImplementation(() => {
      throw new Error("Date.now used");
    });
    expect(JSON.stringify(small(7))).toBe(JSON.stringify(small(7)));
    expect(JSON.stringify(small(8))).not.toBe(JSON.stringify(small(7)));
  });

  it("plants every kind, with flaky rates spread from 1 % to 40 %", () => {
    const { truth } = generateHistory({ seed: 3 });
    const kinds = new Set(Object.values(truth).map((t) => t.kind));
    expect([...kinds].sort()).toEqual(
      (
        [
          "flaky",
          "flaky-variant",
          "healthy",
          "incident-only",
          "one-commit-break",
          "pr-broken",
          "regression",
        ] satisfies TruthKind[]
      ).sort(),
    );
    const flaky = Object.values(truth).filter((t) => t.kind === "flaky" || t.kind === "flaky-variant");
    expect(Math.min(...flaky.map((t) => t.rate ?? 0))).toBe(0.01);
    expect(Math.max(...flaky.map((t) => t.rate ?? 0))).toBe(0.4);
    expect(Object.values(truth).filter((t) => t.kind === "healthy").length).toBeGreaterThan(
      Object.keys(truth).length * 0.4,
    );
    expect(spreadRates(5)).toEqual([0.01, 0.0251, 0.0632, 0.1591, 0.4]);
  });

  it("fails regressions on main from the breaking commit until the fixing one, on their variant only", () => {
    const history = generateHistory({ seed: 5 });
    const mainOrder = [...new Set(history.uploads.filter((u) => u.meta.branch === "main").map((u) => u.meta.commit))];
    for (const [key, t] of Object.entries(history.truth).filter(([, t]) => t.kind === "regression")) {
      const from = mainOrder.indexOf(t.introduced ?? ""),
        to = t.fixed ? mainOrder.indexOf(t.fixed) : mainOrder.length;
      for (const u of history.uploads.filter((u) => u.meta.branch === "main" && !u.outage)) {
        const result = u.results.find((r) => r.key === key);
        if (!result) continue;
        const index = mainOrder.indexOf(u.meta.commit);
        const broken = index >= from && index < to && (!t.variant || u.meta.variant.includes(t.variant));
        expect(result.attempts.every((a) => a === (broken ? "failed" : "passed"))).toBe(true);
      }
    }
  });

  it("breaks pr-broken tests on one PR push and passes them on the next push", () => {
    const history = generateHistory({ seed: 5 });
    for (const [key, t] of Object.entries(history.truth).filter(([, t]) => t.kind === "pr-broken")) {
      const seen = history.uploads.filter(
        (u) => !u.outage && u.results.some((r) => r.key === key && failed(r.attempts)),
      );
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map((u) => `${u.meta.pr}@${u.meta.commit}`)).size).toBe(1);
      expect(seen[0].meta.pr).toBe(t.pr);
      const pushes = [...new Set(history.uploads.filter((u) => u.meta.pr === t.pr).map((u) => u.meta.commit))];
      const next = pushes[pushes.indexOf(seen[0].meta.commit) + 1];
      const after = history.uploads
        .filter((u) => u.meta.commit === next)
        .flatMap((u) => u.results.filter((r) => r.key === key));
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((r) => r.attempts.at(-1) === "passed")).toBe(true);
    }
  });

  it("fails healthy tests never and incident-only tests only in outages, which are re-run as attempt 2", () => {
    const history = generateHistory({ seed: 9 });
    for (const u of history.uploads) {
      for (const r of u.results) {
        const kind = history.truth[r.key].kind;
        if (kind === "healthy") expect(failed(r.attempts)).toBe(false);
        if (kind === "incident-only" && failed(r.attempts)) expect(u.outage).toBe(true);
      }
    }
    const outages = history.uploads.filter((u) => u.outage);
    expect(outages.length).toBeGreaterThanOrEqual(2);
    const shares = outages.map((o) => o.results.filter((r) => failed(r.attempts)).length / o.results.length);
    // Most outages fail most of the job; some only a third of it (too few for a failing-share rule alone).
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(0.2);
    expect(shares.some((share) => share < 0.5)).toBe(true);
    expect(shares.some((share) => share >= 0.7)).toBe(true);
    for (const o of outages) {
      const rerun = history.uploads.find(
        (u) => u.meta.run === o.meta.run && u.meta.job === o.meta.job && u.meta.attempt === 2,
      );
      expect(rerun?.receivedAt).toBeGreaterThan(o.receivedAt);
    }
  });

  it("retries failing tests in some jobs only, up to two reruns, and delivers uploads in time order", () => {
    const history = generateHistory({ seed: 2 });
    const retried = new Set<string>(),
      single = new Set<string>();
    for (const u of history.uploads) {
      const job = u.meta.job.replace(/ \(.*\)$/, "");
      for (const r of u.results) {
        expect(r.attempts.length).toBeLessThanOrEqual(3);
        if (r.attempts.length > 1) retried.add(job);
        else if (r.attempts[0] === "failed") single.add(job);
      }
    }
    expect(retried.size).toBeGreaterThan(0);
    expect([...single].some((job) => !retried.has(job))).toBe(true);
    expect(history.uploads.every((u, i) => i === 0 || u.receivedAt >= history.uploads[i - 1].receivedAt)).toBe(true);
    expect(new Set(history.uploads.map((u) => u.meta.variant[0]))).toEqual(
      new Set(["os=linux", "os=windows", "os=macos"]),
    );
  });

  it("fails one-commit breaks on every execution of their break commits on main, and passes them on main otherwise", () => {
    const history = generateHistory({ seed: 4 });
    const breaks = Object.entries(history.truth).filter(([, t]) => t.kind === "one-commit-break");
    expect(breaks.length).toBeGreaterThanOrEqual(2);
    expect(breaks.some(([, t]) => (t.breaks?.length ?? 0) >= 2)).toBe(true); // breaks that recur
    for (const [key, t] of breaks) {
      for (const u of history.uploads.filter((u) => u.meta.branch === "main" && !u.outage)) {
        const result = u.results.find((r) => r.key === key);
        if (result)
          expect(result.attempts.every((a) => a === (t.breaks?.includes(u.meta.commit) ? "failed" : "passed"))).toBe(
            true,
          );
      }
    }
  });

  it("repeats a parameterized test's name in one report: a passing or skipped first invocation, then the planted one", () => {
    const history = generateHistory({ seed: 4 });
    const second = Object.entries(history.truth).filter(([, t]) => t.invocation === 2);
    expect(second.length).toBeGreaterThanOrEqual(2);
    for (const [key] of second) {
      const firstKey = key.replace(/ \[2\]$/, "");
      expect(history.truth[firstKey].kind).toMatch(/^(healthy|incident-only)$/);
      const upload = history.uploads.find((u) => u.results.some((r) => r.key === key))!;
      const at = upload.results.findIndex((r) => r.key === key);
      expect(upload.results[at - 1].key).toBe(firstKey);
      expect(upload.results[at - 1].attempts[0]).not.toBe("failed");
    }
  });

  it("runs some classes in two browsers: same inner suite and testcase names, no classname, a healthy twin", () => {
    const history = generateHistory({ seed: 4 });
    const firefox = Object.keys(history.truth).filter((key) => key.includes(": firefox > "));
    expect(firefox.length).toBeGreaterThanOrEqual(2);
    for (const key of firefox) {
      const twin = key.replace(": firefox > ", ": chrome > ");
      expect(history.truth[twin].kind).toMatch(/^(healthy|incident-only)$/);
      const upload = history.uploads.find((u) => u.results.some((r) => r.key === key))!;
      expect(upload.results.some((r) => r.key === twin)).toBe(true);
      const inner = key.split(" > ")[1].split("::").slice(0, 2).join("::");
      expect(upload.junitXml.split(`<testsuite name="${inner}"`).length - 1).toBe(2);
    }
  });

  it("has a no-retry profile: one variant, one attempt, no job re-runs", () => {
    const history = generateHistory({
      seed: 2,
      tests: 80,
      commits: 40,
      oses: ["linux"],
      retries: false,
      reruns: false,
    });
    expect(history.uploads.every((u) => u.meta.attempt === 1 && u.meta.variant.join() === "os=linux")).toBe(true);
    expect(history.uploads.every((u) => u.results.every((r) => r.attempts.length === 1))).toBe(true);
  });

  it("with fixFlaky, a share of the flaky tests never fail in code that carries their fix, and the rest of the history is unchanged", () => {
    const plain = generateHistory({ seed: 2, tests: 120, commits: 60 });
    const history = generateHistory({ seed: 2, tests: 120, commits: 60, fixFlaky: 0.5 });
    const fixed = Object.entries(history.truth).filter(([, t]) => t.kind === "flaky" && t.fixed);
    expect(fixed.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(history.truth)).toEqual(Object.keys(plain.truth));
    const mainOrder = [...new Set(history.uploads.filter((u) => u.meta.branch === "main").map((u) => u.meta.commit))];
    for (const [key, t] of fixed) {
      const fixAt = mainOrder.indexOf(t.fixed!);
      expect(fixAt).toBeGreaterThan(0);
      const after = history.uploads.filter(
        (u) => u.meta.branch === "main" && !u.outage && mainOrder.indexOf(u.meta.commit) >= fixAt,
      );
      expect(after.flatMap((u) => u.results.filter((r) => r.key === key)).some((r) => failed(r.attempts))).toBe(false);
    }
  });

  it("plants clusters only when asked: members of one job fail together in the runs their cause fires", () => {
    const plain = generateHistory({ seed: 5, tests: 120, commits: 40 });
    expect(Object.values(plain.truth).some((t) => t.cluster !== undefined)).toBe(false);
    const history = generateHistory({ seed: 5, tests: 120, commits: 40, clusters: 3 });
    const members = Object.entries(history.truth)
      .filter(([, t]) => t.cluster === 0)
      .map(([key]) => key);
    expect(members.length).toBeGreaterThanOrEqual(4);
    // In every report of their job, they fail all together on the first attempt or (mostly) on their own.
    let together = 0;
    for (const upload of history.uploads) {
      const mine = upload.results.filter((r) => members.includes(r.key));
      if (mine.length > 0 && mine.every((r) => r.attempts[0] === "failed")) together++;
    }
    expect(together).toBeGreaterThan(0);
  });
});
