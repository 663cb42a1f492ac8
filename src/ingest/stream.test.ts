// The streaming contract: batches while the report streams, retries anywhere folded by ordinal, the
// consumer's pace respected, and parseReport (the collector) equal to what the batches add up to.
import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS } from "../model/limits.ts";
import type { ParsedTest } from "../model/report.ts";
import { ReportParseError } from "./errors.ts";
import { BATCH_SIZE } from "./fold.ts";
import { FORMATS, parseReport, parseReportStream, type TestBatch } from "./registry.ts";
import { bytes, chunked } from "../../test/helpers/ingest.ts";

const junit = (cases: string[]) => `<testsuites><testsuite name="S">${cases.join("\n")}</testsuite></testsuites>`;
const cases = (count: number) =>
  Array.from({ length: count }, (_, i) => `<testcase classname="C" name="t${i}" time="0.1"/>`);

// t0 fails first and passes 2,499 testcases later (a retry); t1 is skipped, then errors twice further on:
// a repeat after a skip is another invocation ("t1 [2]"), which errors and is retried.
const RETRIED = junit([
  '<testcase classname="C" name="t0"><failure message="m">stack</failure></testcase>',
  '<testcase classname="C" name="t1"><skipped/></testcase>',
  ...cases(2_500).slice(2),
  '<testcase classname="C" name="t1"><error/></testcase>',
  '<testcase classname="C" name="t0"/>',
  '<testcase classname="C" name="t1"><error/></testcase>',
]);

async function batchesOf(
  input: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<{ batches: TestBatch[]; counts: Record<string, number> }> {
  const batches: TestBatch[] = [];
  const { counts } = await parseReportStream(input, {}, DEFAULT_PARSE_LIMITS, (batch) => {
    batches.push(batch);
  });
  return { batches, counts: { ...counts } };
}

// Each entry of every batch with its ordinal and first attempt index, flattened.
const entries = (batches: TestBatch[]) =>
  batches.flatMap((b) => b.tests.map((test, i) => ({ test, ordinal: b.ordinals[i], first: b.firstAttempts[i] })));

describe("parseReportStream", () => {
  it("hands tests out in bounded batches; a retry far away comes again under its ordinal with only its new attempts", async () => {
    const { batches, counts } = await batchesOf(chunked(bytes(RETRIED), 4096));
    expect(batches.length).toBeGreaterThanOrEqual(3);
    // A batch goes out after the piece of input that filled it: a little over BATCH_SIZE at most.
    for (const batch of batches) expect(batch.tests.length).toBeLessThan(2 * BATCH_SIZE);
    const all = entries(batches);
    expect(all).toHaveLength(2_503);
    const t0 = all.filter((e) => e.test.name === "t0");
    expect(
      t0.map((e) => [e.ordinal, e.first, e.test.attempts.map((a) => a.status), e.test.outcome, e.test.flaky]),
    ).toEqual([
      [0, 0, ["failed"], "failed", false],
      [0, 1, ["passed"], "passed", true],
    ]);
    const t1 = all.filter((e) => e.test.name === "t1" || e.test.name === "t1 [2]");
    expect(t1.map((e) => [e.test.name, e.ordinal, e.first, e.test.outcome])).toEqual([
      ["t1", 1, 0, "skipped"],
      ["t1 [2]", 2_500, 0, "error"],
      ["t1 [2]", 2_500, 1, "error"],
    ]);
    expect(all.filter((e) => e.first === 0).map((e) => e.ordinal)).toEqual(Array.from({ length: 2_501 }, (_, i) => i));
    // Counts are over final outcomes: t0 passed (flaky), t1 skipped, t1 [2] errored (the last attempt's).
    expect(counts).toEqual({ tests: 2_501, passed: 2_499, failed: 0, error: 1, skipped: 1, flaky: 1, attempts: 2_503 });
  });

  it("parseReport collects the batches into whole tests, attempts in order", async () => {
    const report = await parseReport(bytes(RETRIED));
    expect(report.tests).toHaveLength(2_501);
    expect(report.tests[0]).toMatchObject({ name: "t0", outcome: "passed", flaky: true });
    expect(report.tests[0].attempts).toEqual([
      { status: "failed", durationMs: null, message: "m", stack: "stack" },
      { status: "passed", durationMs: null },
    ]);
    expect(report.tests[1].attempts.map((a) => a.status)).toEqual(["skipped"]);
    expect(report.tests[2_500]).toMatchObject({ name: "t1 [2]", outcome: "error", flaky: false });
    expect(report.tests[2_500].attempts.map((a) => a.status)).toEqual(["error", "error"]);
    expect(report.counts).toMatchObject({
      tests: 2_501,
      passed: 2_499,
      error: 1,
      skipped: 1,
      flaky: 1,
      attempts: 2_503,
    });
  });

  it("hands out the first batch before the input has all arrived, and a report in one buffer in several batches", async () => {
    const data = bytes(junit(cases(5_000)));
    let delivered = 0;
    let deliveredAtFirstBatch = -1;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunked(data, 16 * 1024)) {
        delivered += chunk.byteLength;
        yield chunk;
      }
    }
    await parseReportStream(counted(), {}, DEFAULT_PARSE_LIMITS, () => {
      if (deliveredAtFirstBatch < 0) deliveredAtFirstBatch = delivered;
    });
    expect(deliveredAtFirstBatch).toBeGreaterThan(0);
    expect(deliveredAtFirstBatch).toBeLessThan(data.byteLength / 2);
    const { batches } = await batchesOf(data);
    expect(batches.length).toBeGreaterThanOrEqual(4);
  });

  it("waits for the consumer's promise before reading on", async () => {
    const events: string[] = [];
    async function* input(): AsyncGenerator<Uint8Array> {
      let n = 0;
      for await (const chunk of chunked(bytes(junit(cases(3_000))), 8 * 1024)) {
        events.push(`chunk ${n++}`);
        yield chunk;
      }
    }
    await parseReportStream(input(), {}, DEFAULT_PARSE_LIMITS, async () => {
      events.push("batch start");
      await new Promise((resolve) => setImmediate(resolve));
      events.push("batch end");
    });
    const starts = events.flatMap((e, i) => (e === "batch start" ? [i] : []));
    expect(starts.length).toBeGreaterThanOrEqual(3);
    for (const start of starts) expect(events[start + 1]).toBe("batch end");
  });

  it("refuses a report that turns bad after some batches went out, with ReportParseError", async () => {
    const seen: number[] = [];
    const bad = bytes(junit(cases(2_500)).replace("</testsuite>", "</testcase>"));
    const error = await parseReportStream(bad, {}, DEFAULT_PARSE_LIMITS, (b) => {
      seen.push(b.tests.length);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportParseError);
    expect(seen.length).toBeGreaterThan(0);
  });

  it("passes what the consumer throws through unchanged", async () => {
    const thrown = new Error("store down");
    const error = await parseReportStream(bytes(junit(cases(10))), {}, DEFAULT_PARSE_LIMITS, () => {
      throw thrown;
    }).catch((e: unknown) => e);
    expect(error).toBe(thrown);
  });
});

// One small report per format with a retried test; each format's batches must add up to its parse.
const SAMPLES: Record<keyof typeof FORMATS, string> = {
  junit: junit([
    '<testcase classname="C" name="t"><failure/></testcase>',
    '<testcase classname="C" name="u"/>',
    '<testcase classname="C" name="t"/>',
  ]),
  ctrf: JSON.stringify({
    results: {
      tool: { name: "x" },
      tests: [
        { name: "t", status: "failed" },
        { name: "u", status: "passed" },
        { name: "t", status: "passed" },
      ],
    },
  }),
  trx: `<TestRun><Results><UnitTestResult testId="1" testName="T" outcome="Failed"/><UnitTestResult testId="2" testName="U" outcome="Passed"/>
    <UnitTestResult testId="1" testName="T" outcome="Passed"/></Results><TestDefinitions><UnitTest id="1"><TestMethod className="C"/></UnitTest></TestDefinitions></TestRun>`,
  nunit: `<test-run><test-suite fullname="F"><test-case name="T" result="Failed"><failure><message>m</message></failure></test-case>
    <test-case name="U" result="Passed"/><test-case name="T" result="Passed"/></test-suite></test-run>`,
  xunit: `<assemblies><assembly><collection><test name="C.T" type="C" result="Fail"/><test name="C.U" type="C" result="Pass"/><test name="C.T" type="C" result="Pass"/></collection></assembly></assemblies>`,
};

describe("every format streams through the same contract", () => {
  for (const [format, entry] of Object.entries(FORMATS) as [
    keyof typeof FORMATS,
    (typeof FORMATS)[keyof typeof FORMATS],
  ][]) {
    it(`${format}: the batches add up to parse's report; the retried test passed and is flaky`, async () => {
      const batches: TestBatch[] = [];
      const summary = await entry.stream(bytes(SAMPLES[format]), DEFAULT_PARSE_LIMITS, (batch) => {
        batches.push(structuredClone(batch));
      });
      const report = await entry.parse(bytes(SAMPLES[format]), DEFAULT_PARSE_LIMITS);
      expect(summary).toEqual({ format: report.format, suites: report.suites, counts: report.counts });
      const whole = new Map<number, ParsedTest>();
      for (const { test, ordinal } of entries(batches)) {
        const known = whole.get(ordinal);
        if (!known) whole.set(ordinal, test);
        else
          whole.set(ordinal, {
            ...known,
            attempts: [...known.attempts, ...test.attempts],
            outcome: test.outcome,
            flaky: test.flaky,
          });
      }
      expect([...whole.values()]).toEqual(report.tests);
      expect(report.tests.map((t) => [t.outcome, t.flaky, t.attempts.length])).toEqual([
        ["passed", true, 2],
        ["passed", false, 1],
      ]);
      // Every test has a suite string; CTRF's and TRX's unsuited tests have "" (the pool's first string).
      for (const test of report.tests) expect(typeof test.suite).toBe("string");
    });
  }
});

describe("without the fold", () => {
  for (const [format, entry] of Object.entries(FORMATS) as [
    keyof typeof FORMATS,
    (typeof FORMATS)[keyof typeof FORMATS],
  ][]) {
    it(`${format}: every testcase is its own entry with its own attempts, and the summary has no counts`, async () => {
      const batches: TestBatch[] = [];
      const summary = await entry.stream(
        bytes(SAMPLES[format]),
        DEFAULT_PARSE_LIMITS,
        (batch) => {
          batches.push(structuredClone(batch));
        },
        false,
      );
      const report = await entry.parse(bytes(SAMPLES[format]), DEFAULT_PARSE_LIMITS);
      expect(summary).toEqual({ format: report.format, suites: report.suites });
      const all = entries(batches);
      expect(all.map(({ ordinal, first }) => [ordinal, first])).toEqual([
        [0, 0],
        [1, 0],
        [2, 0],
      ]);
      expect(all.map(({ test }) => [test.name, test.outcome, test.flaky, test.attempts.map((a) => a.status)])).toEqual([
        [report.tests[0].name, "failed", false, ["failed"]],
        [report.tests[1].name, "passed", false, ["passed"]],
        [report.tests[0].name, "passed", false, ["passed"]],
      ]);
    });
  }
});
