// Property-based fuzzing beyond the byte-level parser properties in src/ingest/property.test.ts: structured
// report-like documents with hostile names and values for every parser (only ReportParseError may escape, and
// what is returned is well-formed), and the failure-fingerprint normaliser on arbitrary and pathological text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failureFingerprint, normalizeFailure } from "../../src/ingest/fingerprint.ts";
import { ReportParseError } from "../../src/ingest/errors.ts";
import { FORMATS, parseReport } from "../../src/ingest/registry.ts";
import { DEFAULT_PARSE_LIMITS } from "../../src/model/limits.ts";
import type { ParsedReport } from "../../src/model/report.ts";

const HOSTILE_NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];
const TAGS = [
  "testsuites",
  "testsuite",
  "testcase",
  "failure",
  "error",
  "skipped",
  "flakyFailure",
  "rerunError",
  "system-out",
  "properties",
  "property",
  "TestRun",
  "Results",
  "UnitTestResult",
  "InnerResults",
  "Output",
  "StdOut",
  "test-run",
  "test-suite",
  "test-case",
  "assemblies",
  "assembly",
  "collection",
  "test",
  "reason",
  "message",
  ...HOSTILE_NAMES,
];
const ATTRIBUTES = [
  "name",
  "classname",
  "time",
  "file",
  "line",
  "result",
  "outcome",
  "testName",
  "testId",
  "duration",
  "status",
  "message",
  "type",
  "value",
  ...HOSTILE_NAMES,
];
const VALUES = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "NaN",
    "-1",
    "1e308",
    "Infinity",
    "-0",
    "00:00:01",
    "99:99:99",
    "Failed",
    "Passed",
    "Fail",
    "",
    ...HOSTILE_NAMES,
  ),
);

const escape = (text: string) =>
  text
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/"/g, "&quot;");

// Elements nest up to four levels; attribute names are unique per element (duplicates are simply malformed XML).
function elementAt(depth: number, tags: readonly string[] = TAGS): fc.Arbitrary<string> {
  return fc
    .record({
      tag: fc.constantFrom(...tags),
      attributes: fc.uniqueArray(fc.tuple(fc.constantFrom(...ATTRIBUTES), VALUES), {
        maxLength: 5,
        selector: ([name]) => name,
      }),
      children: depth === 0 ? fc.constant([] as string[]) : fc.array(elementAt(depth - 1, tags), { maxLength: 4 }),
      text: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    })
    .map(
      ({ tag, attributes, children, text }) =>
        `<${tag}${attributes.map(([n, v]) => ` ${n}="${escape(v)}"`).join("")}>${text ? escape(text) : ""}${children.join("")}</${tag}>`,
    );
}
const element = elementAt(4);

// Each format's outer elements and the tags it reads inside them, so generated children land where that parser looks.
const SKELETONS: Record<string, { open: string; close: string; tags: string[] }> = {
  junit: {
    open: '<testsuites><testsuite name="s">',
    close: "</testsuite></testsuites>",
    tags: [
      "testcase",
      "failure",
      "error",
      "skipped",
      "flakyFailure",
      "rerunFailure",
      "system-out",
      "properties",
      "property",
    ],
  },
  trx: {
    open: "<TestRun><Results>",
    close: "</Results></TestRun>",
    tags: ["UnitTestResult", "InnerResults", "Output", "StdOut", "ErrorInfo", "Message", "StackTrace"],
  },
  nunit: {
    open: '<test-run><test-suite fullname="F">',
    close: "</test-suite></test-run>",
    tags: ["test-suite", "test-case", "failure", "message", "stack-trace", "output"],
  },
  xunit: {
    open: "<assemblies><assembly><collection>",
    close: "</collection></assembly></assemblies>",
    tags: ["test", "failure", "message", "stack-trace", "output", "reason"],
  },
};
const inSkeleton = (format: string) =>
  fc
    .array(elementAt(3, [...(SKELETONS[format]?.tags ?? TAGS), ...HOSTILE_NAMES]), { minLength: 1, maxLength: 4 })
    .map((children) => {
      const { open, close } = SKELETONS[format] ?? { open: "", close: "" };
      return open + children.join("") + close;
    });
const anyFormat = fc.oneof(...Object.keys(SKELETONS).map(inSkeleton));

const json = fc.jsonValue({ maxDepth: 4 }).map((v) =>
  JSON.stringify({
    results: {
      tool: { name: "x" },
      summary: {},
      tests: [v, { name: "__proto__", status: "passed", duration: 1e308 }],
    },
  }),
);

/** A returned report is well-formed: known statuses, durations finite and non-negative or null, counts adding up. */
function expectWellFormed(report: ParsedReport): void {
  for (const test of report.tests) {
    expect(["passed", "failed", "error", "skipped"]).toContain(test.outcome);
    expect(typeof test.name).toBe("string");
    for (const attempt of test.attempts) {
      expect(["passed", "failed", "error", "skipped"]).toContain(attempt.status);
      if (attempt.durationMs !== null)
        expect(Number.isFinite(attempt.durationMs) && attempt.durationMs >= 0).toBe(true);
    }
  }
  expect(report.counts.tests).toBe(report.tests.length);
}

async function parsesOrRefuses(run: () => Promise<ParsedReport>): Promise<void> {
  let report: ParsedReport;
  try {
    report = await run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(ReportParseError);
    return;
  }
  expectWellFormed(report);
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("parsers on structured hostile documents", () => {
  for (const [format, { parse }] of Object.entries(FORMATS)) {
    it(`${format}: a report or ReportParseError, nothing else`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(element, json, inSkeleton(format)), (doc) =>
          parsesOrRefuses(() => parse(bytes(doc), DEFAULT_PARSE_LIMITS)),
        ),
        { numRuns: 300 },
      );
    });
  }

  it("parseReport with detection: a report or ReportParseError, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(element, json, anyFormat), (doc) =>
        parsesOrRefuses(() => parseReport(bytes(doc), {}, DEFAULT_PARSE_LIMITS)),
      ),
      { numRuns: 500 },
    );
  });
});

describe("the failure fingerprint normaliser", () => {
  const frame = fc.constantFrom(
    "    at Object.<anonymous> (/tmp/x/a.test.ts:12:5)",
    '  File "/app/t.py", line 3, in test',
    "#0 0x7f3a in main",
    "Most recent call last",
    "at com.a.B.c(B.java:42)",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 400, unit: "binary" }),
    fc.array(fc.oneof(frame, fc.string({ maxLength: 60 })), { maxLength: 30 }).map((l) => l.join("\n")),
  );

  it("never throws, is deterministic, and keeps its output bounded", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50, unit: "binary" }), text, text, (type, message, stack) => {
        const normalized = normalizeFailure(message, stack);
        expect(normalized).toBe(normalizeFailure(message, stack));
        expect(normalized.length).toBeLessThanOrEqual(
          20 * (1000 + 5 * Math.max(1, ...stack.split("\n").map((l) => l.length))),
        );
        expect(failureFingerprint(type, message, stack)).toMatch(/^[0-9a-f]{16}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it("normalises 64 KiB of pathological text in bounded time (no catastrophic backtracking)", () => {
    const size = DEFAULT_PARSE_LIMITS.maxTextLength;
    const pathological = [
      "1",
      "0x",
      "a1",
      "1:",
      "1.",
      "/tmp/",
      " ",
      "\t",
      "'1",
      ":1:1",
      "line ",
      "port ",
      "2024-01-01T",
      "localhost:",
      "at ",
      "é",
    ].map((unit) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
    for (const text of pathological) {
      const started = performance.now();
      failureFingerprint("Error", text, text.split("").join("\n").slice(0, size));
      expect(performance.now() - started, JSON.stringify(text.slice(0, 12))).toBeLessThan(5000);
    }
  });
});
