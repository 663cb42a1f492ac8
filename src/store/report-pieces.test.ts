import { describe, expect, it } from "vitest";
import type { ReportRows, ResultRow } from "../model/ingest.ts";
import { testPieces, type ReportPiece } from "./report-pieces.ts";

const result = (testId: string, attempt: number): ResultRow => ({
  testId,
  attempt,
  status: "passed",
  final: true,
  durationMs: null,
  message: null,
  stack: null,
  fingerprint: null,
  output: null,
});
const rows = (tests: string[], results: ResultRow[]): ReportRows => ({
  format: "junit",
  counts: {},
  tests: tests.map((id) => ({ id, projectId: "p", suite: "s", name: id, file: "" })),
  results,
});

const all = async (pieces: AsyncIterable<ReportPiece>): Promise<ReportPiece[]> => {
  const out: ReportPiece[] = [];
  for await (const p of pieces) out.push(p);
  return out;
};

describe("testPieces", () => {
  it("cuts between tests, every attempt of a test in one piece, every result once", async () => {
    // b's retries come at the end of the report, as a rerun appends them.
    const report = rows(
      ["a", "b", "c", "d", "e"],
      [result("a", 1), result("b", 1), result("c", 1), result("d", 1), result("e", 1), result("b", 2), result("b", 3)],
    );
    const pieces = await all(testPieces(report, 2));
    expect(pieces.map((p) => p.tests.map((t) => t.id))).toEqual([["a"], ["b"], ["c", "d"], ["e"]]);
    expect(pieces[1].results.map((r) => r.attempt)).toEqual([1, 2, 3]); // larger than a piece: its own
    expect(pieces.flatMap((p) => p.results)).toHaveLength(report.results.length);
  });

  it("goes in test id order, whatever the report's order", async () => {
    const pieces = await all(testPieces(rows(["c", "a", "b"], [result("c", 1), result("a", 1), result("b", 1)]), 2));
    expect(pieces.flatMap((p) => p.tests.map((t) => t.id))).toEqual(["a", "b", "c"]);
  });

  it("keeps results of a test the report does not list, and a listed test twice once", async () => {
    const pieces = await all(testPieces(rows(["a", "a"], [result("a", 1), result("z", 1)]), 10));
    expect(pieces).toHaveLength(1);
    expect(pieces[0].results.map((r) => r.testId).sort()).toEqual(["a", "z"]);
  });
});
