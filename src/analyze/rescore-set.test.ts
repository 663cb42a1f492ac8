import { describe, expect, it } from "vitest";
import type { VerdictStatus } from "../model/verdict.ts";
import { passesToScore, scoringNeeds, testsToRescore, type TestInReport } from "./rescore-set.ts";

const statuses: Record<string, VerdictStatus> = {
  healthy: "healthy",
  flaky: "flaky",
  broken: "broken",
  young: "new",
  sameCommit: "healthy",
};
const pick = (tests: Partial<TestInReport>[]) =>
  testsToRescore(
    tests.map((t) => ({ id: "", failing: false, retried: false, incident: false, variant: "", ...t })),
    (id) => statuses[id],
    new Set(["sameCommit"]),
  );

describe("testsToRescore", () => {
  it("rescores tests without a settled verdict", () => {
    expect(pick([{ id: "unknown" }, { id: "young" }])).toEqual(["unknown", "young"]);
  });

  it("rescores a failure unless the test is already broken", () => {
    expect(
      pick([
        { id: "healthy", failing: true },
        { id: "flaky", failing: true },
        { id: "broken", failing: true },
      ]),
    ).toEqual(["healthy", "flaky"]);
  });

  it("rescores a retry unless the test is already flaky", () => {
    expect(
      pick([
        { id: "healthy", retried: true },
        { id: "broken", retried: true },
        { id: "flaky", retried: true },
      ]),
    ).toEqual(["healthy", "broken"]);
  });

  it("rescores a pass only when it can change the verdict: recovery, or same-commit evidence", () => {
    expect(pick([{ id: "healthy" }, { id: "flaky" }, { id: "broken" }, { id: "sameCommit" }])).toEqual([
      "broken",
      "sameCommit",
    ]);
  });

  it("rescores a quarantined test that passes: its passes are what release it", () => {
    const tests = [{ id: "flaky", failing: false, retried: false, incident: false, variant: "" }];
    expect(testsToRescore(tests, (id) => statuses[id], new Set(), new Set(["flaky"]))).toEqual(["flaky"]);
  });

  it("ignores an incident report: none of its results count", () => {
    expect(
      pick([
        { id: "healthy", failing: true, incident: true },
        { id: "young", failing: true, incident: true },
        { id: "unknown", incident: true },
      ]),
    ).toEqual([]);
  });
});

describe("scoringNeeds", () => {
  const needs = (tests: Partial<TestInReport>[], sameCommit: string[] = [], distinct = false) =>
    scoringNeeds(
      tests.map((t) => ({ id: "", failing: false, retried: false, incident: false, variant: "", ...t })),
      new Set(sameCommit),
      distinct,
    );

  it("gives the same needs for one report's tests with or without folding repeats", () => {
    const report: Partial<TestInReport>[] = [
      { id: "a", failing: true },
      { id: "b", retried: true },
      { id: "c" },
      { id: "d" },
      { id: "e", failing: true, incident: true },
      { id: "f" },
    ].map((t, i) => ({ ...t, variant: i % 2 === 0 ? "os=linux" : "" }));
    expect(needs(report, ["d"], true)).toEqual(needs(report, ["d"]));
    expect(needs(report, ["d"], true)).toEqual({
      testIds: ["a", "b", "d", "e"],
      passes: { "os=linux": ["c"], "": ["f"] },
    });
  });

  it("must score failures (in an incident too: they leave incident evidence), retries and same-commit failures", () => {
    expect(
      needs(
        [
          { id: "a", failing: true },
          { id: "b", failing: true, incident: true },
          { id: "c", retried: true },
          { id: "d" },
          { id: "e", variant: "os=linux" },
        ],
        ["d"],
      ),
    ).toEqual({ testIds: ["a", "b", "c", "d"], passes: { "os=linux": ["e"] } });
  });

  it("must score a test one report saw pass and another fail, or that passed in two variants", () => {
    expect(
      needs([
        { id: "a" },
        { id: "a", failing: true },
        { id: "a" },
        { id: "b", variant: "os=linux" },
        { id: "b", variant: "os=mac" },
        { id: "c" },
        { id: "c" },
      ]),
    ).toEqual({ testIds: ["a", "b"], passes: { "": ["c"] } });
  });
});

describe("passesToScore", () => {
  // Clean stored verdicts: "one" never ran in a variant, "linux" only in os=linux, "matrix" in two.
  const clean: Record<string, string[]> = { one: [], linux: ["os=linux"], matrix: ["os=linux", "os=mac"], held: [] };
  const score = (passes: Record<string, string[]>, quarantined: string[] = []) =>
    passesToScore(passes, (id) => clean[id], new Set(quarantined));

  it("leaves out a pass of a clean test in its only variant", () => {
    expect(score({ "": ["one"], "os=linux": ["linux"] })).toEqual([]);
  });

  it("scores a test without a clean verdict, one in a new variant, and one of several variants", () => {
    expect(score({ "": ["unknown"], "os=mac": ["linux", "matrix"], "os=linux": ["one"] })).toEqual([
      "unknown",
      "linux",
      "matrix",
      "one",
    ]);
  });

  it("scores a quarantined test: its passes are what release it", () => {
    expect(score({ "": ["one", "held"] }, ["held"])).toEqual(["held"]);
  });
});
