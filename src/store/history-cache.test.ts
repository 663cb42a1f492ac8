import { describe, expect, it } from "vitest";
import type { ResultRow } from "../model/ingest.ts";
import { foldByTest, HistoryCache, type TestInReport } from "./history-cache.ts";

const row = (reportId: string): TestInReport => ({
  reportId,
  anyPass: true,
  anyFail: false,
  finalStatus: "passed",
  attempts: 1,
  fingerprint: null,
});
const result = (
  testId: string,
  attempt: number,
  status: ResultRow["status"],
  final: boolean,
  fingerprint: string | null = null,
): ResultRow => ({
  testId,
  attempt,
  status,
  final,
  durationMs: null,
  message: null,
  stack: null,
  fingerprint,
  output: null,
});

describe("HistoryCache", () => {
  it("answers only for as many reports as were read, newest last", () => {
    const cache = new HistoryCache(100);
    cache.put("t", [row("r1"), row("r2"), row("r3")], 3);
    expect(cache.get("t", 2)!.map((r) => r.reportId)).toEqual(["r2", "r3"]);
    expect(cache.get("t", 4)).toBeUndefined(); // read with 3: a 4th may exist
    expect(cache.get("other", 1)).toBeUndefined();
  });

  it("adds a report in report-id order, keeps the read limit, and takes the same report once", () => {
    const cache = new HistoryCache(100);
    cache.put("t", [row("r2"), row("r4")], 3);
    cache.add("r3", [result("t", 1, "passed", true), result("u", 1, "passed", true)]); // u is not held: ignored
    expect(cache.get("t", 3)!.map((r) => r.reportId)).toEqual(["r2", "r3", "r4"]);
    cache.add("r5", [result("t", 1, "failed", true)]);
    cache.add("r5", [result("t", 1, "failed", true)]);
    expect(cache.get("t", 3)!.map((r) => r.reportId)).toEqual(["r3", "r4", "r5"]);
    cache.add("r1", [result("t", 1, "passed", true)]); // older than all three held: not among the newest
    expect(cache.get("t", 3)!.map((r) => r.reportId)).toEqual(["r3", "r4", "r5"]);
    expect(cache.get("u", 1)).toBeUndefined();
    expect(cache.size).toBe(3);
  });

  it("drops the least recently used tests past its row budget", () => {
    const cache = new HistoryCache(4);
    cache.put("a", [row("r1"), row("r2")], 5);
    cache.put("b", [row("r1"), row("r2")], 5);
    cache.get("a", 5); // a is now the most recently used
    cache.put("c", [row("r1")], 5);
    expect(cache.get("b", 5)).toBeUndefined();
    expect(cache.get("a", 5)).toHaveLength(2);
    expect(cache.size).toBe(3);
    cache.put(
      "huge",
      Array.from({ length: 5 }, (_, i) => row(`r${i}`)),
      5,
    ); // more than the budget: not held
    expect(cache.get("huge", 5)).toBeUndefined();
    expect(cache.get("c", 5)).toHaveLength(1);
  });

  it("cuts a full cache back to 90 % of its budget at once, oldest tests first, not one test per put", () => {
    const cache = new HistoryCache(100);
    for (let i = 0; i < 100; i++) cache.put(`t${i}`, [row("r1")], 5);
    expect(cache.size).toBe(100);
    cache.put("t100", [row("r1")], 5); // over budget: cut to 90 rows, t0 … t10 out
    expect(cache.size).toBe(90);
    expect(cache.get("t10", 5)).toBeUndefined();
    expect(cache.get("t11", 5)).toHaveLength(1);
    expect(cache.get("t100", 5)).toHaveLength(1);
  });

  it("gives a copy, so a report added later does not change what a caller holds", () => {
    const cache = new HistoryCache(10);
    cache.put("t", [row("r1")], 5);
    const held = cache.get("t", 5)!;
    cache.add("r2", [result("t", 1, "passed", true)]);
    expect(held).toHaveLength(1);
    expect(cache.writes).toBe(1);
    cache.clear();
    expect(cache.get("t", 5)).toBeUndefined();
    expect(cache.writes).toBe(2);
  });
});

describe("foldByTest", () => {
  it("folds attempts as the history read's SQL does: any pass, any failure, the final status, the smallest fingerprint", () => {
    const folded = foldByTest("r", [
      result("t", 1, "failed", false, "fp-b"),
      result("t", 2, "error", false, "fp-a"),
      result("t", 3, "passed", true),
      result("u", 1, "skipped", true),
    ]);
    expect(folded.get("t")).toEqual({
      reportId: "r",
      anyPass: true,
      anyFail: true,
      finalStatus: "passed",
      attempts: 3,
      fingerprint: "fp-a",
    });
    expect(folded.get("u")).toEqual({
      reportId: "r",
      anyPass: false,
      anyFail: false,
      finalStatus: "skipped",
      attempts: 1,
      fingerprint: null,
    });
  });
});
