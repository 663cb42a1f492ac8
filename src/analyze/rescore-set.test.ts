import { describe, expect, it } from "vitest";
import type { VerdictStatus } from "../model/verdict.ts";
import { testsToRescore, type TestInReport } from "./rescore-set.ts";

const statuses: Record<string, VerdictStatus> = {
  healthy: "healthy",
  flaky: "flaky",
  broken: "broken",
  young: "new",
  sameCommit: "healthy",
};
const pick = (tests: Partial<TestInReport>[]) =>
  testsToRescore(
    tests.map((t) => ({ id: "", failing: false, retried: false, incident: false, ...t })),
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
    const tests = [{ id: "flaky", failing: false, retried: false, incident: false }];
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
