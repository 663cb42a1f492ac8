// streamedRows must give exactly the rows reportRows gives over the collected report: checked on every
// report of the shared corpus and on a report whose retries are far apart and cross batch boundaries.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ReportParseError } from "../ingest/errors.ts";
import { parseReport, parseReportStream } from "../ingest/registry.ts";
import type { ReportRows } from "../model/ingest.ts";
import { DEFAULT_PARSE_LIMITS } from "../model/limits.ts";
import { reportRows, streamedRows } from "./identity.ts";

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/corpus");

function reportFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "licenses" ? [] : reportFiles(path);
    return entry.name.endsWith(".expected.json") || entry.name === "README.md" ? [] : [path];
  });
}

async function both(bytes: Uint8Array) {
  const rows = streamedRows("p");
  const summary = await parseReportStream(bytes, {}, DEFAULT_PARSE_LIMITS, (b) => rows.add(b.tests, b.ordinals));
  // Row order is not part of the contract (a later retry's rows come later): compare by test and attempt.
  const sorted = (r: ReportRows) => ({ ...r, results: [...r.results].sort((a, b) => a.testId.localeCompare(b.testId) || a.attempt - b.attempt) });
  return { streamed: sorted(rows.finish(summary.format, summary.counts)), collected: sorted(reportRows("p", await parseReport(bytes))) };
}

describe("streamedRows", () => {
  it("gives the collected report's rows when a test is retried thousands of testcases later", async () => {
    const cases = Array.from({ length: 3000 }, (_, i) => `<testcase classname="c" name="t${i}"${i === 5 ? "><failure message=\"boom\">at x</failure></testcase>" : "/>"}`);
    cases.push(`<testcase classname="c" name="t5"><failure message="boom again">at x</failure></testcase>`, `<testcase classname="c" name="t5"/>`);
    const { streamed, collected } = await both(new TextEncoder().encode(`<testsuite name="s">${cases.join("")}</testsuite>`));
    expect(streamed).toEqual(collected);
    const t5 = streamed.results.filter((r) => r.testId === streamed.tests[5].id);
    expect(t5.map((r) => [r.attempt, r.status, r.final])).toEqual([[1, "failed", false], [2, "failed", false], [3, "passed", true]]);
  });

  it.runIf(existsSync(CORPUS))("gives the collected report's rows on every corpus report", async () => {
    let compared = 0;
    for (const file of reportFiles(CORPUS)) {
      const bytes = readFileSync(file);
      const outcome = await both(bytes).catch((e: unknown) => {
        if (e instanceof ReportParseError) return undefined; // refused files are the corpus test's business
        throw e;
      });
      if (!outcome) continue;
      expect(outcome.streamed, file).toEqual(outcome.collected);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });
});
