import { describe, expect, it } from "vitest";
import type { VerdictStatus } from "../model/verdict.ts";
import { testsToRescore, testsWhoseVerdictCanMove, type TestInReport } from "./rescore-set.ts";

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

describe("testsWhoseVerdictCanMove", () => {
  // Clean stored verdicts: "one" never ran in a variant, "linux" only in os=linux, "matrix" in two.
  const clean: Record<string, string[]> = { one: [], linux: ["os=linux"], matrix: ["os=linux", "os=mac"], held: [] };
  const move = (tests: Partial<TestInReport>[], sameCommit: string[] = [], quarantined: string[] = []) =>
    testsWhoseVerdictCanMove(
      tests.map((t) => ({ id: "", failing: false, retried: false, incident: false, variant: "", ...t })),
      (id) => clean[id],
      new Set(sameCommit),
      new Set(quarantined),
    );

  it("leaves out a pass of a clean test in its only variant", () => {
    expect(move([{ id: "one" }, { id: "linux", variant: "os=linux" }])).toEqual([]);
  });

  it("scores a test without a clean verdict, and any failure or retry even of a clean one", () => {
    expect(
      move([{ id: "unknown" }, { id: "one", failing: true }, { id: "linux", variant: "os=linux", retried: true }]),
    ).toEqual(["unknown", "one", "linux"]);
  });

  it("scores a failure in an incident report: it leaves incident evidence", () => {
    expect(move([{ id: "one", failing: true, incident: true }])).toEqual(["one"]);
  });

  it("scores a test in a new variant, or one of several variants", () => {
    expect(
      move([
        { id: "linux", variant: "os=mac" },
        { id: "matrix", variant: "os=linux" },
        { id: "one", variant: "os=linux" },
      ]),
    ).toEqual(["linux", "matrix", "one"]);
  });

  it("scores a quarantined test and one that failed elsewhere on the same commit", () => {
    expect(move([{ id: "one" }, { id: "held" }], ["one"], ["held"])).toEqual(["one", "held"]);
  });

  it("scores a test once when a later report of the batch fails it", () => {
    expect(move([{ id: "one" }, { id: "one", failing: true }, { id: "one" }])).toEqual(["one"]);
  });
});
