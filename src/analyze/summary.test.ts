import { describe, expect, it } from "vitest";
import type { ResultRow } from "../model/ingest.ts";
import { reportOutcomes } from "./summary.ts";

const row = (
  testId: string,
  attempt: number,
  status: ResultRow["status"],
  fingerprint: string | null = null,
): ResultRow => ({
  testId,
  attempt,
  status,
  final: false,
  durationMs: null,
  message: fingerprint && `boom ${fingerprint}`,
  stack: null,
  fingerprint,
  output: null,
});

describe("reportOutcomes", () => {
  it("tells failing from retried tests whichever attempt comes first, and counts failures by fingerprint", () => {
    const results = [
      row("passes-then-fails", 1, "passed"), // a rerun listed before the failure it retried
      row("fails", 1, "failed", "fp1"),
      row("retried", 1, "error", "fp1"),
      row("passes", 1, "passed"),
      row("skipped", 1, "skipped"),
      row("passes-then-fails", 2, "failed", "fp2"),
      row("retried", 2, "passed"),
      row("no-fingerprint", 1, "failed"),
    ];
    const tests = [...new Set(results.map((r) => r.testId))].map((id) => ({
      id,
      projectId: "p",
      suite: "s",
      name: id,
      file: "",
    }));
    const o = reportOutcomes({ format: "junit", counts: {}, tests, results });
    expect([...o.failing].sort()).toEqual(["fails", "no-fingerprint"]);
    expect([...o.retried].sort()).toEqual(["passes-then-fails", "retried"]);
    expect(o.summary).toEqual({ total: 6, failing: 2, byFingerprint: { fp1: 1 } });
    expect(o.sightings.map((s) => [s.fingerprint, s.count]).sort()).toEqual([
      ["fp1", 2],
      ["fp2", 1],
    ]);
  });
});
