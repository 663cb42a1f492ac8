/** Parses every file of the report corpus (test/fixtures/corpus) and compares it with its `.expected.json`. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS } from "../../test/helpers/corpus.ts";
import type { ParsedReport, ParsedTest } from "../model/report.ts";
import { CORPUS_DEVIATIONS } from "../../test/helpers/corpus-deviations.ts";
import { ReportParseError } from "./errors.ts";
import { parseReport } from "./registry.ts";

const COUNT_FIELDS = ["tests", "passed", "failed", "error", "skipped", "failing", "flaky", "attempts"] as const;
const KNOWN_FIELDS = new Set<string>([...COUNT_FIELDS, "refused", "cases", "format", "source", "notes", "other"]);

interface ExpectedCase {
  classname: string | null;
  name: string;
  status: string;
  seconds: number | null;
}

function reportFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "licenses" ? [] : reportFiles(path);
    return entry.name.endsWith(".expected.json") || entry.name === "README.md" ? [] : [path];
  });
}

function ourValue(file: string, field: string, theirs: unknown): unknown {
  const deviation = CORPUS_DEVIATIONS[file]?.[field];
  if (!deviation) return theirs;
  // A deviation that matches the source tool is stale: remove it rather than keep a silent exception.
  expect(deviation.ours, `${file}: deviation on ${field} is no longer needed`).not.toEqual(theirs);
  return deviation.ours;
}

function countOf(report: ParsedReport, field: (typeof COUNT_FIELDS)[number]): number {
  return field === "failing" ? report.counts.failed + report.counts.error : report.counts[field];
}

// enricomi names xUnit.net tests by their method; we keep the display name (theory arguments, custom
// display names) so theory rows stay distinct tests. xUnit cases are therefore matched by position (the
// samples are in document order and nothing folds), with the same suite.
function findTest(report: ParsedReport, expected: ExpectedCase, index: number): ParsedTest | undefined {
  const sameSuite = (test: ParsedTest): boolean => !expected.classname || test.suite === expected.classname;
  const byName = report.tests.find((test) => test.name === expected.name && sameSuite(test));
  if (byName || report.format !== "xunit") return byName;
  const byPosition = report.tests[index];
  return byPosition && sameSuite(byPosition) ? byPosition : undefined;
}

function checkCase(file: string, report: ParsedReport, expected: ExpectedCase, index: number): void {
  const test = findTest(report, expected, index);
  expect(test, `${file}: case ${expected.classname ?? ""}::${expected.name}`).toBeDefined();
  const seconds = ourValue(file, `cases.${expected.name}.seconds`, expected.seconds) as number | null;
  const wantedMs = seconds === null ? null : seconds * 1000;
  const matching = test!.attempts.find(
    (attempt) =>
      attempt.status === expected.status &&
      (wantedMs === null ? attempt.durationMs === null : Math.abs((attempt.durationMs ?? NaN) - wantedMs) < 1e-3),
  );
  expect(
    matching,
    `${file}: ${expected.name} ${expected.status} in ${expected.seconds}s; got ${JSON.stringify(test!.attempts)}`,
  ).toBeDefined();
}

describe("report corpus", () => {
  it("is there (a missing corpus fails, it is never skipped)", () => {
    expect(existsSync(CORPUS), `corpus not found at ${CORPUS}`).toBe(true);
    expect(reportFiles(CORPUS).length).toBeGreaterThan(50);
  });

  it("has no deviation entry for a file that does not exist", () => {
    const files = new Set(reportFiles(CORPUS).map((path) => relative(CORPUS, path)));
    expect(Object.keys(CORPUS_DEVIATIONS).filter((file) => !files.has(file))).toEqual([]);
  });

  for (const path of existsSync(CORPUS) ? reportFiles(CORPUS) : []) {
    const file = relative(CORPUS, path);
    it(file, async () => {
      const expected = JSON.parse(readFileSync(`${path}.expected.json`, "utf8")) as Record<string, unknown>;
      expect(Object.keys(expected).filter((key) => !KNOWN_FIELDS.has(key))).toEqual([]);
      const outcome = await parseReport(readFileSync(path)).then(
        (report) => ({ report }),
        (error: unknown) => ({ error }),
      );
      if (ourValue(file, "refused", expected.refused) === true) {
        expect("error" in outcome ? outcome.error : outcome.report).toBeInstanceOf(ReportParseError);
        const error = (outcome as { error: ReportParseError }).error;
        expect(error.status).toBeGreaterThanOrEqual(400);
        expect(error.status).toBeLessThan(500);
        expect(error.message.length).toBeGreaterThan(10);
        return;
      }
      if ("error" in outcome) throw outcome.error;
      const { report } = outcome;
      expect(report.format).toBe(expected.format);
      for (const field of COUNT_FIELDS) {
        if (expected[field] !== undefined) {
          expect(countOf(report, field), `${file}: ${field}`).toBe(ourValue(file, field, expected[field]));
        }
      }
      const cases = (expected.cases ?? []) as ExpectedCase[];
      cases.forEach((expectedCase, index) => checkCase(file, report, expectedCase, index));
    });
  }
});
