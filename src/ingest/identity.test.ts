import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ParsedReport } from "../model/report.ts";
import { MAX_STORED_NAME } from "../model/limits.ts";
import {
  MAX_OUTPUT_CHARS,
  canonicalVariant,
  dedupeKey,
  failureOutput,
  reportRows,
  storedName,
  streamedRows,
  testId,
} from "./identity.ts";

const report: ParsedReport = {
  format: "junit",
  suites: [],
  counts: { tests: 2, passed: 2, failed: 0, error: 0, skipped: 0, flaky: 1, attempts: 3 },
  tests: [
    {
      suite: "a.B",
      name: "flaps",
      properties: {},
      outcome: "passed",
      flaky: true,
      attempts: [
        {
          status: "failed",
          durationMs: 12.6,
          message: "expected 1 got 2 at 0x7ffe1234",
          stack: "at f (x.js:10:5)",
          stdout: "log line",
        },
        { status: "passed", durationMs: 10, stdout: "fine" },
      ],
    },
    {
      suite: "a.B",
      name: "steady",
      file: "b.test.js",
      properties: {},
      outcome: "passed",
      flaky: false,
      attempts: [{ status: "passed", durationMs: null }],
    },
  ],
};

describe("test identity and report rows", () => {
  it("hashes project, suite, name and file into a stable id", () => {
    expect(testId("p", "a.B", "flaps", "")).toBe(testId("p", "a.B", "flaps", ""));
    expect(testId("p", "a.B", "flaps", "")).not.toBe(testId("q", "a.B", "flaps", ""));
    expect(testId("p", "a.B", "flaps", "")).not.toBe(testId("p", "a.Bflaps", "", ""));
    expect(testId("p", "a", "b", "")).toMatch(/^[0-9a-f]{32}$/);
    // Ids are stored: pinned to their first definition's digest (UTF-8 of the NUL-joined key), non-ASCII included.
    expect(testId("p", "a.B", "flaps", "")).toBe("26d3ded5b93ba3547bd8047d40527c65");
    expect(testId("p", "s", "prüft ✓", "f.ts")).toBe(
      createHash("sha256").update("p\u0000s\u0000prüft ✓\u0000f.ts").digest("hex").slice(0, 32),
    );
  });

  it("stores names cut at MAX_STORED_NAME, each test keeping the id of its whole name", () => {
    const long = (tail: string) => "n".repeat(1024 * 1024) + tail;
    const test = (name: string) => ({ ...report.tests[1], suite: "s".repeat(MAX_STORED_NAME + 1), name });
    const parsed: ParsedReport = { ...report, tests: [test(long("1")), test(long("2")), test("short")] };
    const streamed = streamedRows("p");
    streamed.add(parsed.tests);
    for (const tests of [reportRows("p", parsed).tests, streamed.drain().tests]) {
      expect(tests.map((t) => t.id)).toEqual(parsed.tests.map((t) => testId("p", t.suite, t.name, "b.test.js")));
      expect(tests.map((t) => t.name.length)).toEqual([MAX_STORED_NAME, MAX_STORED_NAME, 5]);
      expect(tests[0].name).toBe(`${"n".repeat(MAX_STORED_NAME - 1)}…`);
      expect(tests[0].suite.length).toBe(MAX_STORED_NAME);
    }
    // A cut never leaves half of a surrogate pair.
    expect(storedName("a".repeat(MAX_STORED_NAME - 3) + "😀".repeat(10))).toBe(`${"a".repeat(MAX_STORED_NAME - 3)}😀…`);
    expect(storedName("a".repeat(MAX_STORED_NAME - 2) + "😀".repeat(10))).toBe(`${"a".repeat(MAX_STORED_NAME - 2)}…`);
  });

  it("makes one test row per test and one result per attempt, in order, with fingerprints on failures", () => {
    const rows = reportRows("p", report);
    expect(rows.tests.map((t) => t.name)).toEqual(["flaps", "steady"]);
    expect(rows.results.map((r) => [r.attempt, r.status, r.final])).toEqual([
      [1, "failed", false],
      [2, "passed", true],
      [1, "passed", true],
    ]);
    expect(rows.results[0]).toMatchObject({ durationMs: 13, output: "[stdout]\nlog line" });
    expect(rows.results[0].fingerprint).toMatch(/^[0-9a-f]+$/);
    expect(rows.results[1]).toMatchObject({ fingerprint: null, output: null });
    expect(rows.results[2].testId).toBe(testId("p", "a.B", "steady", "b.test.js"));
  });

  it("keeps the tail of long failure output", () => {
    const out = failureOutput("x".repeat(MAX_OUTPUT_CHARS) + "THE END", undefined)!;
    expect(out.length).toBeLessThan(MAX_OUTPUT_CHARS + 100);
    expect(out.endsWith("THE END")).toBe(true);
    expect(out).toMatch(/^…\[\d+ characters cut\]/);
    expect(failureOutput(undefined, "")).toBeNull();
  });

  it("makes idempotency keys from content and every piece of metadata", () => {
    const meta = {
      commit: "c",
      branch: "main",
      pr: null,
      run: "1",
      job: "j",
      attempt: 1,
      variant: canonicalVariant(["os=linux", "node=22"]),
      filename: null,
    };
    expect(meta.variant).toBe("node=22,os=linux");
    expect(dedupeKey("h", meta)).toBe(dedupeKey("h", { ...meta }));
    expect(dedupeKey("h", meta)).not.toBe(dedupeKey("h", { ...meta, attempt: 2 }));
    expect(dedupeKey("h", meta)).not.toBe(dedupeKey("h2", meta));
  });
});
