// streamedRows over the unfolded stream (what the pipeline runs) must give exactly the rows and counts
// reportRows gives over the collected, parser-folded report: checked on every report of the shared corpus,
// on retries far apart across batch boundaries, and on retries whose attempts are skipped or errors.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CORPUS } from "../../test/helpers/corpus.ts";
import { ReportParseError } from "./errors.ts";
import { parseReport, parseReportStream, streamTestcases } from "./registry.ts";
import type { ReportRows } from "../model/ingest.ts";
import { DEFAULT_PARSE_LIMITS } from "../model/limits.ts";
import { appendDrained, reportRows, streamedRows } from "./identity.ts";

function reportFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "licenses" ? [] : reportFiles(path);
    return entry.name.endsWith(".expected.json") || entry.name === "README.md" ? [] : [path];
  });
}

// Row order is not part of the contract (a later retry's rows come later): compare by test and attempt.
const sorted = (r: ReportRows) => ({
  ...r,
  results: [...r.results].sort((a, b) => a.testId.localeCompare(b.testId) || a.attempt - b.attempt),
});

async function both(bytes: Uint8Array) {
  const rows = streamedRows("p");
  const summary = await streamTestcases(bytes, {}, DEFAULT_PARSE_LIMITS, (b) => rows.add(b.tests));
  // The parser-folded stream into the same rows stage: folding twice changes nothing.
  const again = streamedRows("p");
  const folded = await parseReportStream(bytes, {}, DEFAULT_PARSE_LIMITS, (b) => again.add(b.tests));
  return {
    streamed: sorted(rows.finish(summary.format)),
    refolded: sorted(again.finish(folded.format)),
    collected: sorted(reportRows("p", await parseReport(bytes))),
  };
}

const junit = (cases: string[]) => new TextEncoder().encode(`<testsuite name="s">${cases.join("")}</testsuite>`);

describe("streamedRows", () => {
  it("hands out in drained pieces the rows finish gives, a result drained before it stopped being final included", async () => {
    const cases = Array.from({ length: 3000 }, (_, i) => `<testcase classname="c" name="t${i}"/>`);
    cases[5] = `<testcase classname="c" name="t5"><failure message="boom">at x</failure></testcase>`;
    cases.push(`<testcase classname="c" name="t5"/>`);
    const whole = streamedRows("p");
    const pieces = streamedRows("p");
    const got: ReportRows = { format: "junit", tests: [], results: [], counts: {} };
    let drains = 0;
    const summary = await streamTestcases(junit(cases), {}, DEFAULT_PARSE_LIMITS, (b) => {
      whole.add(b.tests);
      pieces.add(b.tests);
      appendDrained(got, pieces.drain());
      drains++;
    });
    appendDrained(got, pieces.drain());
    expect(drains).toBeGreaterThan(1);
    const expected = whole.finish(summary.format);
    expect(expected.results.filter((r) => r.testId === expected.tests[5].id).map((r) => r.final)).toEqual([
      false,
      true,
    ]);
    expect({ ...got, format: summary.format, counts: pieces.counts() }).toEqual(expected);
  });

  it("gives the collected report's rows and counts when a test is retried thousands of testcases later", async () => {
    const cases = Array.from(
      { length: 3000 },
      (_, i) =>
        `<testcase classname="c" name="t${i}"${i === 5 ? '><failure message="boom">at x</failure></testcase>' : "/>"}`,
    );
    cases.push(
      `<testcase classname="c" name="t5"><failure message="boom again">at x</failure></testcase>`,
      `<testcase classname="c" name="t5"/>`,
    );
    const { streamed, refolded, collected } = await both(junit(cases));
    expect(streamed).toEqual(collected);
    expect(refolded).toEqual(collected);
    const t5 = streamed.results.filter((r) => r.testId === streamed.tests[5].id);
    expect(t5.map((r) => [r.attempt, r.status, r.final])).toEqual([
      [1, "failed", false],
      [2, "failed", false],
      [3, "passed", true],
    ]);
    expect(streamed.counts).toEqual({
      tests: 3000,
      passed: 3000,
      failed: 0,
      error: 0,
      skipped: 0,
      flaky: 1,
      attempts: 3002,
    });
  });

  it("decides a repeated test's outcome as the parser does when its attempts include skipped and error", async () => {
    const cases = [
      // Surefire reruns stay attempts of their testcase; the test comes again later, skipped.
      `<testcase classname="c" name="a"><rerunFailure message="x"/><error message="y"/></testcase>`,
      `<testcase classname="c" name="b"><skipped/></testcase>`,
      `<testcase classname="c" name="c"><error/></testcase>`,
      `<testcase classname="c" name="d"/>`,
      `<testcase classname="c" name="a"><skipped/></testcase>`, // a (retried: failed, not passed): error, failed, skipped → skipped
      `<testcase classname="c" name="b"/>`, // after a skip: b [2], passed; b stays skipped
      `<testcase classname="c" name="c"><skipped/></testcase>`,
      `<testcase classname="c" name="c"/>`, // c: error, skipped, passed → passed, flaky (still retried when it passed)
      `<testcase classname="c" name="d"><error/></testcase>`, // after a pass: d [2], error; d stays passed
      `<testcase classname="c" name="e" status="notrun"/>`,
      `<testcase classname="c" name="e"><failure/></testcase>`, // after a skip: e [2], failed
      `<testcase classname="c" name="e"><failure/></testcase>`, // a retry of e [2], under that name when refolded
    ];
    const { streamed, refolded, collected } = await both(junit(cases));
    expect(streamed).toEqual(collected);
    expect(refolded).toEqual(collected);
    expect(streamed.counts).toEqual({ tests: 8, passed: 3, failed: 1, error: 1, skipped: 3, flaky: 1, attempts: 13 });
    expect(streamed.tests.map((t) => t.name)).toEqual(["a", "b", "c", "d", "b [2]", "d [2]", "e", "e [2]"]);
    const a = streamed.results.filter((r) => r.testId === streamed.tests[0].id);
    expect(a.map((r) => [r.attempt, r.status, r.final])).toEqual([
      [1, "error", false],
      [2, "failed", false],
      [3, "skipped", true],
    ]);
    const e2 = streamed.results.filter((r) => r.testId === streamed.tests[7].id);
    expect(e2.map((r) => [r.attempt, r.status, r.final])).toEqual([
      [1, "failed", false],
      [2, "failed", true],
    ]);
  });

  it("agrees with the parser when an invocation's numbered name is taken by a real test", async () => {
    const cases = [
      `<testcase classname="c" name="t [2]"><failure/></testcase>`,
      `<testcase classname="c" name="t"/>`,
      `<testcase classname="c" name="t"/>`, // t's 2nd invocation skips the taken "t [2]": "t [3]"
      `<testcase classname="c" name="t"/>`, // "t [4]"
      `<testcase classname="c" name="t [3]"/>`, // after t [3]'s pass: another invocation of that key
    ];
    const { streamed, refolded, collected } = await both(junit(cases));
    expect(streamed).toEqual(collected);
    expect(refolded).toEqual(collected);
    expect(streamed.tests.map((t) => t.name)).toEqual(["t [2]", "t", "t [3]", "t [4]", "t [3] [2]"]);
    expect(streamed.counts).toMatchObject({ tests: 5, flaky: 0, attempts: 5 });
  });

  it("folds two different keys that share an id (a NUL inside CTRF names) into one test with one final attempt", async () => {
    const ctrf = JSON.stringify({
      results: {
        tool: { name: "x" },
        tests: [
          { name: "b\u0000c", suite: "a", status: "failed" },
          { name: "c", suite: "a\u0000b", status: "passed" },
        ],
      },
    });
    const { streamed, collected } = await both(new TextEncoder().encode(ctrf));
    // The parser keys by suite, name and file, so it sees two tests; the id joins them with NULs, so the
    // rows have one: reportRows marks each entry's last attempt final, streamedRows only the id's last.
    expect(collected.counts).toMatchObject({ tests: 2, flaky: 0 });
    expect(collected.results.map((r) => r.final)).toEqual([true, true]);
    expect(streamed.tests).toEqual(collected.tests);
    expect(streamed.results.map((r) => [r.attempt, r.status, r.final])).toEqual([
      [1, "failed", false],
      [2, "passed", true],
    ]);
    expect(streamed.counts).toEqual({ tests: 1, passed: 1, failed: 0, error: 0, skipped: 0, flaky: 1, attempts: 2 });
  });

  it.runIf(existsSync(CORPUS))("gives the collected report's rows and counts on every corpus report", async () => {
    let compared = 0;
    for (const file of reportFiles(CORPUS)) {
      const bytes = readFileSync(file);
      const outcome = await both(bytes).catch((e: unknown) => {
        if (e instanceof ReportParseError) return undefined; // refused files are the corpus test's business
        throw e;
      });
      if (!outcome) continue;
      expect(outcome.streamed, file).toEqual(outcome.collected);
      expect(outcome.refolded, file).toEqual(outcome.collected);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("gives the collected report's rows and counts on the identity fixtures (suite paths, invocations)", async () => {
    const folder = resolve(dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/identity");
    const files = reportFiles(folder);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const { streamed, refolded, collected } = await both(readFileSync(file));
      expect(streamed, file).toEqual(collected);
      expect(refolded, file).toEqual(collected);
      expect(streamed.counts.flaky, file).toBe(0);
    }
  });
});
