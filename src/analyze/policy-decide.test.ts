import { describe, expect, it } from "vitest";
import type { Observation, Verdict } from "../model/verdict.ts";
import { autoQuarantineDecision, exemptBy, globToRegExp, releaseDecision } from "./policy-decide.ts";
import { DEFAULT_POLICY, type Policy } from "./policy.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);

/** Observations from a pattern: "p" pass, "f" fail, "r" failed then passed on retry; one a day up to NOW. */
function history(pattern: string, branch: string | null = "main"): Observation[] {
  return [...pattern].map((c, i) => ({
    reportId: `r${i}`,
    run: `run${i}`,
    job: "unit",
    jobAttempt: 1,
    commit: `c${i}`,
    branch,
    pr: null,
    variant: "",
    receivedAt: NOW - (pattern.length - 1 - i) * DAY,
    outcome: c === "f" ? "failed" : "passed",
    retriedPass: c === "r",
    attempts: c === "r" ? 2 : 1,
    fingerprint: c === "p" ? null : "x",
    incident: false,
  }));
}
const verdict = (status: Verdict["status"], score: number): Verdict => ({
  status,
  score,
  low: score,
  high: score,
  failureRate: 0.1,
  runs: 20,
  failures: 2,
  lastFailureAt: NOW,
  evidence: [],
});
const test = (v: Verdict, pattern = "ppppprpppprppp") => ({
  testId: "t1",
  suite: "app.Suite",
  name: "flaps",
  file: "app.js",
  verdict: v,
  history: history(pattern),
});
const ctx: { defaultBranch: string; now: number; vetoUntil: number | null; releasedAt?: number | null } = {
  defaultBranch: "main",
  now: NOW,
  vetoUntil: null,
};
const decide = (v: Verdict, policy: Partial<Policy> = {}, extra: Partial<typeof ctx> = {}, pattern?: string) =>
  autoQuarantineDecision({ ...DEFAULT_POLICY, ...policy }, test(v, pattern), { ...ctx, ...extra });

describe("autoQuarantineDecision", () => {
  it("quarantines a flaky test over the threshold with enough evidence", () => {
    expect(decide(verdict("flaky", 0.8))).toMatchObject({
      quarantine: true,
      reason: expect.stringContaining("2 separate failure episodes in 14 runs"),
    });
  });
  it("counts consecutive failures as one episode: a short regression is not quarantined", () => {
    // two commits failing in a row, then fixed: one episode, however many commits it spans
    expect(decide(verdict("flaky", 0.8), {}, {}, "pppppppffppppp").reason).toMatch(/^1 separate failure episodes/);
    expect(decide(verdict("flaky", 0.8), {}, {}, "pppfpppppfpppp").quarantine).toBe(true);
  });
  it("brings a released test back only after a new failure", () => {
    // "ppppprpppprppp": the last retry is 3 days before NOW
    expect(decide(verdict("flaky", 0.8), {}, { releasedAt: NOW - 2 * DAY }).reason).toMatch(
      /^released at .*; no failure since$/,
    );
    expect(decide(verdict("flaky", 0.8), {}, { releasedAt: NOW - 4 * DAY }).quarantine).toBe(true);
  });
  it("never quarantines a broken test, whatever its score", () => {
    expect(decide(verdict("broken", 1))).toEqual({ quarantine: false, reason: "verdict is broken" });
  });
  it("respects the threshold, minimum runs and minimum failing commits", () => {
    expect(decide(verdict("flaky", 0.4)).quarantine).toBe(false);
    expect(decide(verdict("flaky", 0.8), { minRuns: 15 }).reason).toBe("14 runs, fewer than 15");
    expect(decide(verdict("flaky", 0.8), { minFailures: 3 }).quarantine).toBe(false);
    // failures older than the lookback do not count
    expect(decide(verdict("flaky", 0.8), { lookbackDays: 5 }).reason).toMatch(/1 separate failure episodes in 5 days/);
  });
  it("leaves exempt tests alone: globs on suite, name, file or suite::name", () => {
    for (const g of ["app.*", "fl?ps", "*.js", "app.Suite::*"])
      expect(decide(verdict("flaky", 0.9), { exempt: [g] }).reason).toBe(`exempt by '${g}'`);
    expect(decide(verdict("flaky", 0.9), { exempt: ["other*"] }).quarantine).toBe(true);
  });
  it("waits out a person's veto, then decides again", () => {
    expect(decide(verdict("flaky", 0.9), {}, { vetoUntil: NOW + DAY }).quarantine).toBe(false);
    expect(decide(verdict("flaky", 0.9), {}, { vetoUntil: NOW - 1 }).quarantine).toBe(true);
  });
  it("does nothing when automatic quarantine is off", () => {
    expect(decide(verdict("flaky", 0.9), { autoQuarantine: false }).quarantine).toBe(false);
  });
  it("counts only watched branches", () => {
    const t = { ...test(verdict("flaky", 0.9)), history: history("ppppprpppprppp", "feature/x") };
    expect(autoQuarantineDecision({ ...DEFAULT_POLICY, branches: ["main", "release/*"] }, t, ctx).reason).toBe(
      "0 runs, fewer than 5",
    );
  });
});

describe("releaseDecision", () => {
  const policy = { ...DEFAULT_POLICY, releaseRate: 0.1 };
  it("keeps a test until the failure rate's upper bound is below the rate — not after a few passes", () => {
    const since = NOW - 100 * DAY;
    expect(releaseDecision(policy, history("ppp"), since, "main").quarantine).toBe(true);
    expect(releaseDecision(policy, history("p".repeat(34)), since, "main").quarantine).toBe(true);
    expect(releaseDecision(policy, history("p".repeat(35)), since, "main")).toMatchObject({
      quarantine: false,
      reason: expect.stringContaining("0 failures in 35 runs"),
    });
  });
  it("counts failures since the quarantine began, and nothing before it", () => {
    const h = history("ffff" + "p".repeat(40));
    expect(releaseDecision(policy, h, NOW - 39 * DAY, "main").quarantine).toBe(false);
    expect(releaseDecision(policy, h, NOW - 60 * DAY, "main").quarantine).toBe(true);
    expect(releaseDecision(policy, [], NOW, "main").quarantine).toBe(true);
  });
});

describe("globs", () => {
  it("escape everything but * and ?", () => {
    expect(globToRegExp("a.b(c)*").test("a.b(c)xyz")).toBe(true);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
    expect(exemptBy({ ...DEFAULT_POLICY, exempt: ["x"] }, { suite: "", name: "y", file: "" })).toBeUndefined();
  });
});
