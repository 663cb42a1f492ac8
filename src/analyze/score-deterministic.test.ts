import { describe, expect, it } from "vitest";
import type { Observation } from "../model/verdict.ts";
import { scoreTest } from "./score.ts";
import { ctx, HOUR, NOW, obs, sha, shuffled } from "../../test/helpers/score-histories.ts";

/**
 * A main-branch history over commits, one report per variant per commit: `patterns` maps a variant to one
 * character per commit (P pass, F fail on every attempt, R failed then passed on retry, - not run);
 * `attempts` is how many in-run attempts a failing report of that variant made.
 */
function matrix(patterns: Record<string, string>, attempts: Record<string, number> = {}): Observation[] {
  const length = Math.max(...Object.values(patterns).map((p) => p.length));
  const out: Observation[] = [];
  for (let i = 0; i < length; i++) {
    for (const [variant, pattern] of Object.entries(patterns)) {
      const c = pattern[i];
      if (c === undefined || c === "-") continue;
      out.push(
        obs({
          reportId: `${variant}-${i}`,
          run: `r${i}`,
          job: `test (${variant})`,
          commit: sha(`c${i}`),
          variant,
          receivedAt: NOW - (length - i) * HOUR,
          outcome: c === "F" ? "failed" : "passed",
          retriedPass: c === "R",
          attempts: c === "F" ? (attempts[variant] ?? 1) : c === "R" ? 2 : 1,
        }),
      );
    }
  }
  return out;
}

const clean = (n: number) => "P".repeat(n);

describe("scoreTest: deterministic failures", () => {
  it("calls recurring one-commit breaks that failed on every execution healthy, never flaky", () => {
    const history = matrix(
      {
        "os=linux": clean(20) + "F" + clean(30) + "F" + clean(20),
        "os=windows": clean(20) + "F" + clean(30) + "F" + clean(20),
      },
      { "os=linux": 3 },
    );
    const { overall, variants } = scoreTest(history, ctx);
    expect(overall.status).toBe("healthy");
    expect(variants["os=linux"].status).toBe("healthy");
    expect(variants["os=windows"].status).toBe("healthy");
    expect(overall.score).toBe(0); // not even the cross-variant weight
    const fixed = overall.evidence.find((e) => e.kind === "recovered");
    expect(fixed?.text).toContain(
      `failed on all 4 executions at ${sha("c51").slice(0, 7)} (os=linux, 3 attempts; os=windows)`,
    );
    expect(fixed?.text).toContain("a break that was fixed, not a flake; 2 breaks like this in all");
  });

  it("treats one-execution failures as ambiguous: three between passes are not enough, a fourth makes the test flaky", () => {
    const three = clean(40) + "F" + clean(40) + "F" + clean(40) + "F" + clean(40);
    expect(scoreTest(matrix({ "": three }), ctx).overall.status).toBe("healthy");
    expect(scoreTest(matrix({ "": three + "F" + clean(5) }), ctx).overall.status).toBe("flaky");
  });

  it("calls a deterministic failure broken while it lasts", () => {
    const history = matrix({ "os=linux": clean(20) + "F", "os=windows": clean(20) + "F" });
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("broken");
    expect(overall.evidence[0]).toMatchObject({ kind: "step-change", commit: sha("c20") });
    expect(overall.evidence[0].text).toContain("failing on main: failed on all 2 executions at");
  });

  it("calls a break on one variant only, fixed by the next commit, healthy: the other variant's pass is no flake", () => {
    const history = matrix(
      {
        "os=linux": clean(40),
        "os=windows": clean(10) + "F" + clean(15) + "F" + clean(13),
      },
      { "os=windows": 3 },
    );
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("healthy");
    expect(overall.score).toBe(0);
  });

  it("still finds a frequent flake that failed on every variant at once: at its rate that is common", () => {
    // ~40 % per execution; commit 12 fails on both variants.
    const history = matrix({
      "os=linux": "PFPPFPFPPFPP" + "F" + "PPFPFPPFPF",
      "os=windows": "PPFPPFPPFPPF" + "F" + "PFPPFPFPPP",
    });
    expect(scoreTest(history, ctx).overall.status).toBe("flaky");
  });

  it("still finds a rare flake whose failures are mostly single, though one commit failed everywhere", () => {
    const history = matrix({
      "os=linux": clean(10) + "F" + clean(20) + "-" + clean(10) + "F" + clean(10),
      "os=windows": clean(10) + "P" + clean(20) + "F" + clean(10) + "F" + clean(10),
    });
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("flaky"); // the single failures at commits 10 and 31 are flake evidence
  });

  it("keeps a flake flaky while its latest commit failed everywhere: too short for a step change", () => {
    // Two Linux failures on commits that passed elsewhere (flaky), then the latest commit failed on all three.
    const history = matrix({
      "os=linux": clean(10) + "F" + clean(29) + "F" + clean(19) + "F",
      "os=windows": clean(60) + "F",
      "os=macos": clean(60) + "F",
    });
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("flaky");
    // The same failure on a test with no flake evidence is a break while it lasts.
    expect(
      scoreTest(
        matrix({ "os=linux": clean(60) + "F", "os=windows": clean(60) + "F", "os=macos": clean(60) + "F" }),
        ctx,
      ).overall.status,
    ).toBe("broken");
  });

  it("does not count a retried pass as deterministic: a retry that passed is a flake", () => {
    const history = matrix({ "os=linux": clean(20) + "R" + clean(20), "os=windows": clean(41) });
    expect(scoreTest(history, ctx).overall.status).toBe("flaky");
  });

  it("gives the same verdict in any arrival order", () => {
    const history = matrix(
      {
        "os=linux": clean(20) + "F" + clean(30) + "F" + clean(20),
        "os=windows": clean(20) + "F" + clean(30) + "F" + clean(20),
      },
      { "os=linux": 3 },
    );
    const expected = scoreTest(history, ctx);
    for (const seed of [1, 2, 3]) expect(scoreTest(shuffled(history, seed), ctx)).toEqual(expected);
  });
});
