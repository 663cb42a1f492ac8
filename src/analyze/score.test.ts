import { describe, expect, it } from "vitest";
import type { Observation } from "../model/verdict.ts";
import { scoreTest } from "./score.ts";
import { ctx, DAY, HOUR, line, NOW, obs, sha } from "../../test/helpers/score-histories.ts";

const kinds = (v: { evidence: { kind: string }[] }) => v.evidence.map((e) => e.kind);

describe("scoreTest: counting", () => {
  it("calls a test that always passed healthy, with nothing to show", () => {
    const { overall } = scoreTest(line("P".repeat(30)), ctx);
    expect(overall).toMatchObject({
      status: "healthy",
      score: 0,
      low: 0,
      runs: 30,
      failures: 0,
      failureRate: 0,
      lastFailureAt: null,
    });
    expect(overall.evidence).toEqual([]);
    expect(overall.high).toBeGreaterThan(0); // 30 passes cannot rule out a rare flake
  });

  it("calls a test with too few runs new, and skipped runs do not count", () => {
    expect(scoreTest(line("PPPP"), ctx).overall.status).toBe("new");
    expect(scoreTest(line("PPSSSSPP"), ctx).overall).toMatchObject({ status: "new", runs: 4 });
    expect(scoreTest(line("PPPPP"), ctx).overall.status).toBe("healthy");
    expect(scoreTest([], ctx).overall).toMatchObject({
      status: "new",
      runs: 0,
      score: 0,
      low: 0,
      high: expect.any(Number),
    });
  });

  it("reports runs, failures, failure rate and the last failure", () => {
    const history = line("PPFPPEPPPP");
    const { overall } = scoreTest(history, ctx);
    expect(overall).toMatchObject({ runs: 10, failures: 2, failureRate: 0.2, lastFailureAt: history[5].receivedAt });
  });
});

describe("scoreTest: in-report retries", () => {
  it("calls one retry flaky, even among few runs, and says where", () => {
    const history = line("PPR");
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("flaky");
    const [first] = overall.evidence;
    expect(first).toMatchObject({ kind: "retry", runs: ["m2"], commit: history[2].commit });
    expect(first.text).toBe(`failed then passed on retry in run m2 job test at ${history[2].commit?.slice(0, 7)}`);
  });

  it("catches a 2 % flake through its retries, though history alone would not", () => {
    const pattern = "P".repeat(60) + "R" + "P".repeat(80) + "R" + "P".repeat(58);
    const flaky = scoreTest(line(pattern, { every: 4 * HOUR }), ctx).overall;
    expect(flaky.status).toBe("flaky");
    expect(kinds(flaky)[0]).toBe("retry");
    expect(flaky.evidence[0].text).toContain("2 retries like this in all");
    // The same failures without retries are two isolated failures, but 23 and 10 days old: only one is
    // recent (14 days), and one alone is not enough to say.
    const plain = scoreTest(line(pattern.replace(/R/g, "F"), { every: 4 * HOUR }), ctx).overall;
    expect(plain.status).toBe("healthy");
  });

  it("ranks recent retries above old ones", () => {
    const history = [...line("R", { id: "old", end: NOW - 60 * DAY }), ...line("PPPPPR", { id: "new" })];
    const evidence = scoreTest(history, ctx).overall.evidence.filter((e) => e.kind === "retry");
    expect(evidence.map((e) => e.runs[0])).toEqual(["new5", "old0"]);
    expect(evidence[0].weight).toBeGreaterThan(evidence[1].weight * 10);
  });
});

describe("scoreTest: same commit, different outcome", () => {
  const commit = sha("shared");
  it("calls a test that passed and failed on one commit in two jobs flaky", () => {
    const history = [
      ...line("PPPPPP"),
      obs({ reportId: "a", run: "8812", job: "unit-1", commit, outcome: "failed" }),
      obs({ reportId: "b", run: "8812", job: "unit-2", commit, outcome: "passed" }),
    ];
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("flaky");
    expect(overall.evidence[0]).toMatchObject({ kind: "same-commit", commit, runs: ["8812"] });
    expect(overall.evidence[0].text).toContain(`passed and failed on commit ${commit.slice(0, 7)} in two jobs`);
  });

  it("counts a job re-run that passed (attempt 2)", () => {
    const history = [
      obs({ reportId: "a", run: "9", job: "e2e", commit, outcome: "failed", receivedAt: NOW - 2 * HOUR }),
      obs({ reportId: "b", run: "9", job: "e2e", jobAttempt: 2, commit, outcome: "passed" }),
    ];
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("flaky");
    expect(overall.evidence[0].text).toContain("when the job re-ran");
    expect(overall.evidence[0].text).toContain("passed in run 9 job e2e attempt 2");
  });

  it("counts same-commit evidence on a pull request too: the code did not change", () => {
    const history = [
      ...line("PPPPPP"),
      obs({ reportId: "a", run: "5", branch: "feature", pr: "12", commit, outcome: "failed" }),
      obs({ reportId: "b", run: "6", branch: "feature", pr: "12", commit, outcome: "passed" }),
    ];
    expect(scoreTest(history, ctx).overall.status).toBe("flaky");
  });

  it("weighs a same-variant disagreement more than a cross-variant one", () => {
    const same = scoreTest(
      [
        obs({ reportId: "a", variant: "os=linux", commit, outcome: "failed" }),
        obs({ reportId: "b", variant: "os=linux", commit, outcome: "passed" }),
      ],
      ctx,
    ).overall;
    const cross = scoreTest(
      [
        obs({ reportId: "a", variant: "os=linux", commit, outcome: "failed" }),
        obs({ reportId: "b", variant: "os=mac", commit, outcome: "passed" }),
      ],
      ctx,
    ).overall;
    expect(same.score).toBeGreaterThan(cross.score);
    expect(cross.score).toBeGreaterThan(0);
    expect(cross.status).toBe("new"); // cross-variant disagreement alone is not flakiness
    expect(cross.evidence[0].text).toContain("on os=linux and os=mac");
  });
});

describe("scoreTest: default-branch history", () => {
  it("calls failures interleaved with passes flaky, with the rate and its interval", () => {
    const { overall } = scoreTest(line("PPPPFPPPPPPPPFPPPPPPPPPFPPPPPPPFPPPPPP"), ctx);
    expect(overall.status).toBe("flaky");
    expect(overall.evidence[0].kind).toBe("history");
    expect(overall.evidence[0].text).toMatch(
      /failed at 4 separate times in 38 runs on main, 4 of them in the last 14 days with passing runs before and after; failure rate [\d.]+ % \(95 % interval/,
    );
    expect(overall.low).toBeGreaterThan(0);
    expect(overall.low).toBeLessThanOrEqual(overall.score);
    expect(overall.score).toBeLessThanOrEqual(overall.high);
  });

  it("does not call one isolated failure flaky", () => {
    expect(scoreTest(line("PPPPPPPPPPFPPPPPPPPP"), ctx).overall.status).toBe("healthy");
  });

  it("weighs recent runs more: recent failures score higher than the same failures long ago", () => {
    const every = 12 * HOUR;
    const recent = scoreTest(line("P".repeat(40) + "PPPFPPPPFPPPPPFPPPPP", { every }), ctx).overall;
    const old = scoreTest(line("PPPFPPPPFPPPPPFPPPPP" + "P".repeat(40), { every }), ctx).overall;
    expect(recent.status).toBe("flaky");
    expect(old.status).toBe("healthy");
    expect(old.score).toBe(0); // history moves the score only when it is convincing
    expect(old.high).toBeGreaterThan(0.5); // …but it could still be flaky
  });

  it("stops trusting a history that is all months old: same share, wider interval", () => {
    const pattern = "PPPFPPPPFPPPPPFPPPPP";
    const recent = scoreTest(line(pattern), ctx).overall;
    const old = scoreTest(line(pattern, { end: NOW - 90 * DAY }), ctx).overall;
    expect(recent.status).toBe("flaky");
    expect(old.status).toBe("healthy");
    expect(old.low).toBeLessThan(recent.low);
  });

  it("does not count a pull request failing until its next push as flips", () => {
    // The PR fails on its first commit in two jobs and a re-run, then passes after the author's push.
    const pr = (n: number, outcome: Observation["outcome"], run: string, jobAttempt = 1): Observation =>
      obs({
        reportId: `pr${run}-${jobAttempt}-${outcome}`,
        run,
        jobAttempt,
        branch: "fix-parser",
        pr: "77",
        commit: sha(`pr${n}`),
        outcome,
        receivedAt: NOW - (10 - n) * HOUR,
      });
    const history = [
      ...line("PPPPPPPPPP", { end: NOW - 12 * HOUR }),
      pr(1, "failed", "p1"),
      pr(1, "failed", "p1b"),
      pr(1, "failed", "p1", 2),
      pr(2, "failed", "p2"),
      pr(3, "passed", "p3"),
      pr(4, "failed", "p4"),
      pr(5, "passed", "p5"),
    ];
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("healthy");
    expect(overall.failures).toBe(5);
  });

  it("takes reports without branch or PR as default-branch history, but not PR reports without a branch", () => {
    const pattern = "PPPFPPPPFPPPPPFPPPPP";
    expect(scoreTest(line(pattern, { branch: null }), ctx).overall.status).toBe("flaky");
    expect(scoreTest(line(pattern, { branch: null, pr: "4" }), ctx).overall.status).toBe("healthy");
    expect(scoreTest(line(pattern, { branch: "release-1" }), ctx).overall.status).toBe("healthy");
  });
});
