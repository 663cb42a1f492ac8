import { describe, expect, it } from "vitest";
import type { Observation } from "../model/verdict.ts";
import { scoreTest } from "./score.ts";
import { ctx, HOUR, line, NOW, obs, sha, shuffled } from "../../test/helpers/score-histories.ts";

const kinds = (v: { evidence: { kind: string }[] }) => v.evidence.map((e) => e.kind);

describe("scoreTest: broken and recovered", () => {
  it("calls failing from a commit onward broken, pointing at that commit", () => {
    const history = line("P".repeat(20) + "FFFF");
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("broken");
    expect(overall.evidence[0]).toMatchObject({
      kind: "step-change",
      commit: history[20].commit,
      runs: ["m20", "m21", "m22", "m23"],
    });
    expect(overall.evidence[0].text).toContain(
      `failing since commit ${history[20].commit?.slice(0, 7)} on main: the last 4 runs all failed`,
    );
    expect(overall.score).toBe(0); // broken is not flaky
  });

  it("calls a test broken from its very first runs broken, not new", () => {
    expect(scoreTest(line("FFF"), ctx).overall.status).toBe("broken");
  });

  it("needs the failing stretch in two runs or more, unless every execution at its commit failed", () => {
    const oneFailure = [
      ...line("P".repeat(20)),
      obs({ reportId: "j1", run: "last", commit: sha("last"), outcome: "failed", receivedAt: NOW }),
    ];
    expect(scoreTest(oneFailure, ctx).overall.status).toBe("healthy"); // one execution: ambiguous
    // Three shards of one run, all failing at one commit, after 20 clean runs: deterministic, a break while it lasts.
    const oneRun = [
      ...line("P".repeat(20)),
      ...[1, 2, 3].map((j) =>
        obs({ reportId: `j${j}`, run: "last", job: `shard-${j}`, outcome: "failed", receivedAt: NOW }),
      ),
    ];
    const { overall } = scoreTest(oneRun, ctx);
    expect(overall.status).toBe("broken");
    expect(overall.evidence[0].text).toContain("failed on all 3 executions at c0ffee0");
  });

  it("calls a regression that was fixed healthy again, not flaky", () => {
    const history = line("P".repeat(20) + "FFFFF" + "P".repeat(10));
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("healthy");
    expect(kinds(overall)).toEqual(["recovered"]);
    expect(overall.evidence[0].text).toContain(
      `then passed again at ${history[25].commit?.slice(0, 7)}: a regression that was fixed`,
    );
    expect(overall.score).toBe(0);
  });

  it("calls two fixed regressions healthy too: long stretches are not flakiness", () => {
    expect(scoreTest(line("P".repeat(15) + "FFFF" + "P".repeat(15) + "FFF" + "P".repeat(10)), ctx).overall.status).toBe(
      "healthy",
    );
  });

  it("does not call a stretch broken when a same-commit pass shows it is flaky", () => {
    const history = line("P".repeat(20) + "FFFF");
    // Commit of the first failure also passed in a pull-request job: same code, different outcome.
    history.push(
      obs({ reportId: "x", run: "pr-run", branch: "topic", pr: "3", commit: history[21].commit, receivedAt: NOW }),
    );
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("flaky");
    expect(kinds(overall)[0]).toBe("same-commit");
  });

  it("asks a test that already fails often for a longer stretch before calling it broken", () => {
    // About 40 % failures, interleaved; then three in a row: bad luck for this test, not a step change.
    const flakyPast = "PFPPF".repeat(8);
    expect(scoreTest(line(flakyPast + "FF"), ctx).overall.status).toBe("flaky");
    // A test that never failed before is broken after the same three failures.
    expect(scoreTest(line("P".repeat(40) + "FFF"), ctx).overall.status).toBe("broken");
    // The flaky one breaks for real once the stretch is longer than it would produce by chance anywhere in
    // its 39 runs before (15 failed: 0.385^k < 1 % / 39 gives 9); eight in a row (its last F and seven
    // more) is still bad luck for this test.
    expect(scoreTest(line(flakyPast + "F".repeat(7)), ctx).overall.status).toBe("flaky");
    expect(scoreTest(line(flakyPast + "F".repeat(8)), ctx).overall.status).toBe("broken");
  });
});

describe("scoreTest: incidents", () => {
  it("does not count failures in an outage, and says so", () => {
    const history = line("PPPPPIPPPPPIPPPPIPPPPI");
    const { overall } = scoreTest(history, ctx);
    expect(overall).toMatchObject({ status: "healthy", runs: 18, failures: 0, score: 0, lastFailureAt: null });
    expect(overall.evidence).toEqual([expect.objectContaining({ kind: "incident", weight: 0 })]);
    expect(overall.evidence[0].text).toBe(
      "failed in 4 reports that were an infrastructure incident; those failures are not counted",
    );
  });

  it("does not take a job re-run that passed after an outage for same-commit flakiness", () => {
    const commit = sha("outage");
    const history = [
      ...line("PPPPPPPP"),
      obs({ reportId: "a", run: "77", commit, outcome: "failed", incident: true, receivedAt: NOW - HOUR / 2 }),
      obs({ reportId: "b", run: "77", jobAttempt: 2, commit, outcome: "passed", receivedAt: NOW }),
    ];
    expect(scoreTest(history, ctx).overall.status).toBe("healthy");
  });
});

describe("scoreTest: variants", () => {
  const linux = (p: string) => line(p, { id: "l", variant: "os=linux" });
  const windows = (p: string) => line(p, { id: "w", variant: "os=windows" });

  it("calls a test flaky on Windows only flaky on Windows, healthy on Linux, flaky overall", () => {
    const v = scoreTest([...linux("P".repeat(30)), ...windows("PPPPRPPPPPPPFPPPPPPRPPPPPPPPP")], ctx);
    expect(v.variants["os=windows"].status).toBe("flaky");
    expect(v.variants["os=linux"].status).toBe("healthy");
    expect(v.overall.status).toBe("flaky");
    expect(v.overall.evidence.every((e) => e.variant === "os=windows")).toBe(true);
    expect(kinds(v.overall)).toEqual(["history", "retry", "retry"]); // by weight: 3 failures in 29 runs outweigh one retry
    expect(v.overall.evidence[1].text).toContain("(os=windows)");
    expect(v.overall.runs).toBe(59);
  });

  it("calls a test that fails on every Windows commit broken there, not flaky, though Linux passes the same commits", () => {
    const commits = Array.from({ length: 12 }, (_, i) => sha(`c${i}`));
    const at = (variant: string, i: number, outcome: Observation["outcome"]) =>
      obs({
        reportId: `${variant}${i}`,
        run: `run${i}`,
        job: variant,
        variant,
        commit: commits[i],
        outcome,
        receivedAt: NOW - (12 - i) * HOUR,
      });
    const history = commits.flatMap((_, i) => [
      at("os=linux", i, "passed"),
      at("os=windows", i, i < 4 ? "passed" : "failed"),
    ]);
    const v = scoreTest(history, ctx);
    expect(v.variants["os=windows"].status).toBe("broken");
    expect(v.variants["os=linux"].status).toBe("healthy");
    expect(v.overall.status).toBe("broken");
    expect(v.overall.evidence[0].kind).toBe("step-change");
    expect(kinds(v.overall)).toContain("same-commit"); // cross-variant: shown, weighed lightly
  });

  it("keeps a report without a variant out of the variant list, but in the overall verdict", () => {
    const v = scoreTest([...line("PPPPPP"), ...linux("PPPPPP")], ctx);
    expect(Object.keys(v.variants)).toEqual(["os=linux"]);
    expect(v.overall.runs).toBe(12);
    expect(Object.keys(scoreTest(line("PPPPPP"), ctx).variants)).toEqual([]);
  });
});

describe("scoreTest: determinism", () => {
  const history = [
    ...line("PPPPRPPFPPPPFFFFFPPPPPPPFPPIPPPP", { id: "a", variant: "os=linux" }),
    ...line("PPFPPPPPPPPRPPPPPSPPPPP", { id: "b", variant: "os=windows" }),
    ...line("FFPFP", { id: "pr", branch: "topic", pr: "9" }),
    obs({ reportId: "tie-1", run: "t", commit: sha("tie"), outcome: "failed", receivedAt: NOW - 5 * HOUR }),
    obs({ reportId: "tie-2", run: "t", commit: sha("tie"), outcome: "passed", receivedAt: NOW - 5 * HOUR }),
  ];

  it("gives the same verdict for the same input", () => {
    expect(scoreTest(history, ctx)).toEqual(scoreTest(history, ctx));
  });

  it("gives the same verdict whatever the order of the input", () => {
    const expected = scoreTest(history, ctx);
    expect(expected.overall.status).toBe("flaky");
    for (const seed of [1, 2, 3, 42]) expect(scoreTest(shuffled(history, seed), ctx)).toEqual(expected);
  });

  it("does not modify its input", () => {
    const input = shuffled(history, 7);
    const copy = structuredClone(input);
    scoreTest(input, ctx);
    expect(input).toEqual(copy);
  });
});
