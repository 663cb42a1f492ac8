// Property: whatever bytes arrive, every parser either returns a report or throws ReportParseError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS } from "../model/limits.ts";
import { ReportParseError } from "./errors.ts";
import { FORMATS, parseReport } from "./registry.ts";
import { bytes } from "../../test/helpers/ingest.ts";

const SEEDS = [
  '<testsuites><testsuite name="s"><testcase classname="c" name="t" time="1"><failure message="m">x</failure><flakyFailure/></testcase></testsuite></testsuites>',
  '{"results":{"tests":[{"name":"t","status":"passed","retries":1,"retryAttempts":[{"status":"failed"}]}]}}',
  '<TestRun><Results><UnitTestResult testId="1" testName="T" outcome="Failed" duration="00:00:01"/></Results></TestRun>',
  '<test-run><test-suite fullname="F"><test-case name="T" result="Failed"><failure><message>m</message></failure></test-case></test-suite></test-run>',
  '<assemblies><assembly><collection><test name="T" type="C" result="Fail"><failure><message>m</message></failure></test></collection></assembly></assemblies>',
];

// Mutations that keep inputs near-valid, where parsers are most likely to trip.
const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.nat(), fc.string({ maxLength: 20, unit: "binary" }))
  .map(([seed, at, cut, insert]) => {
    const start = at % (seed.length + 1);
    return seed.slice(0, start) + insert + seed.slice(start + (cut % 10));
  });
const input = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated.map(bytes), fc.string({ maxLength: 200 }).map(bytes));

async function onlyReportParseErrors(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(ReportParseError);
    const { status } = error as ReportParseError;
    expect([400, 413, 415, 422]).toContain(status);
  }
}

describe("every parser on random and mutated input", () => {
  for (const [format, { parse }] of Object.entries(FORMATS)) {
    it(`${format} throws nothing but ReportParseError`, async () => {
      await fc.assert(
        fc.asyncProperty(input, (data) => onlyReportParseErrors(() => parse(data, DEFAULT_PARSE_LIMITS))),
        { numRuns: 400 },
      );
    });
  }

  it("parseReport (detection included) throws nothing but ReportParseError", async () => {
    await fc.assert(
      fc.asyncProperty(
        input,
        fc.constantFrom(undefined, "application/json", "text/xml", "text/html"),
        (data, contentType) => onlyReportParseErrors(() => parseReport(data, { contentType })),
      ),
      { numRuns: 400 },
    );
  });
});
