import { describe, expect, it } from "vitest";
import type { Evidence } from "../model/verdict.ts";
import { orderEvidence, percent, shortCommit, where } from "./evidence.ts";
import { obs } from "../../test/helpers/score-histories.ts";

const item = (kind: Evidence["kind"], weight: number): Evidence => ({ kind, weight, text: kind, runs: [] });

describe("evidence text", () => {
  it("says where a run happened, with the job re-run attempt only when it is one", () => {
    expect(where(obs({ run: "8812", job: "unit" }))).toBe("run 8812 job unit");
    expect(where(obs({ run: "8812", job: "unit", jobAttempt: 3 }))).toBe("run 8812 job unit attempt 3");
    expect(where(obs({ run: null, job: null, reportId: "rep-1" }))).toBe("report rep-1");
  });

  it("shortens commits and percentages for people", () => {
    expect(shortCommit("a1b2c3d4e5f6")).toBe("a1b2c3d");
    expect(shortCommit(null)).toBe("an unknown commit");
    expect([percent(0.004), percent(0.05), percent(0.1234), percent(1)]).toEqual(["0.4 %", "5 %", "12 %", "100 %"]);
  });
});

describe("orderEvidence", () => {
  it("puts what decided the status first, then by weight, and keeps at most max", () => {
    const items = [
      item("incident", 0),
      item("retry", 0.3),
      item("step-change", 1),
      item("history", 0.9),
      item("same-commit", 0.5),
    ];
    expect(orderEvidence([...items], "flaky", 10).map((e) => e.kind)).toEqual([
      "history",
      "same-commit",
      "retry",
      "step-change",
      "incident",
    ]);
    expect(orderEvidence([...items], "broken", 2).map((e) => e.kind)).toEqual(["step-change", "history"]);
  });
});
