// CTRF, TRX, NUnit and xUnit.net: the cases the corpus does not pin down.
import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS } from "../model/limits.ts";
import { parseCtrf } from "./ctrf.ts";
import { parseNUnit } from "./nunit.ts";
import { bytes, parseError } from "../../test/helpers/ingest.ts";
import { parseTrx } from "./trx.ts";
import { parseXUnit } from "./xunit.ts";

const ctrf = (tests: unknown[]) =>
  parseCtrf(bytes(JSON.stringify({ results: { tool: { name: "t" }, tests } })), DEFAULT_PARSE_LIMITS);

describe("parseCtrf", () => {
  it("turns retryAttempts (final run included) into attempts; passed after failures is flaky", async () => {
    const report = await ctrf([
      {
        name: "t",
        status: "passed",
        duration: 30,
        retries: 1,
        flaky: true,
        retryAttempts: [
          { attempt: 1, status: "failed", duration: 10, message: "timeout" },
          { attempt: 2, status: "passed", duration: 30 },
        ],
      },
    ]);
    expect(report.tests[0].attempts).toEqual([
      { status: "failed", durationMs: 10, message: "timeout" },
      { status: "passed", durationMs: 30 },
    ]);
    expect(report.counts).toMatchObject({ tests: 1, passed: 1, flaky: 1, attempts: 2 });
  });

  it("adds the final run when retryAttempts list only the retries", async () => {
    const report = await ctrf([
      { name: "t", status: "failed", duration: 5, retries: 1, retryAttempts: [{ status: "failed" }] },
    ]);
    expect(report.tests[0].attempts.map((a) => a.status)).toEqual(["failed", "failed"]);
  });

  it("counts retries without details as earlier failed runs; pending and other as skipped", async () => {
    const report = await ctrf([
      { name: "a", status: "passed", retries: 2 },
      { name: "b", status: "pending" },
      { name: "c", status: "other" },
    ]);
    expect(report.tests[0].attempts.map((a) => a.status)).toEqual(["failed", "failed", "passed"]);
    expect(report.tests.map((t) => t.outcome)).toEqual(["passed", "skipped", "skipped"]);
  });

  it("reads suite paths, file, line and tags", async () => {
    const report = await ctrf([
      { name: "t", status: "passed", suite: ["A", "B"], filePath: "a.spec.ts", line: 3, tags: ["x", "y"] },
    ]);
    expect(report.tests[0]).toMatchObject({ suite: "A > B", file: "a.spec.ts", line: 3, properties: { tags: "x,y" } });
  });

  it.each([
    [[{ name: "t", status: "weird" }], /results\.tests\[0\]\.status/],
    [[{ name: 3, status: "passed" }], /results\.tests\[0\]\.name/],
    [
      [{ name: "t", status: "passed", retryAttempts: [{ status: "passed", duration: "1" }] }],
      /results\.tests\[0\]\.retryAttempts\[0\]\.duration/,
    ],
  ])("refuses wrong types with 422 naming the field", async (tests, field) => {
    const error = await parseError(ctrf(tests));
    expect(error).toMatchObject({ code: "invalid_shape", status: 422 });
    expect(error.message).toMatch(field);
  });

  it("refuses JSON that is not CTRF, malformed JSON and deep nesting", async () => {
    expect(await parseError(parseCtrf(bytes('{"a":1}'), DEFAULT_PARSE_LIMITS))).toMatchObject({
      status: 422,
      code: "not_a_report",
    });
    expect(await parseError(parseCtrf(bytes('{"results":'), DEFAULT_PARSE_LIMITS))).toMatchObject({
      status: 400,
      code: "malformed",
    });
    const deep = `{"results":{"tests":[]},"x":${"[".repeat(300)}${"]".repeat(300)}}`;
    expect(await parseError(parseCtrf(bytes(deep), DEFAULT_PARSE_LIMITS))).toMatchObject({
      status: 413,
      message: "JSON nesting deeper than 256 levels",
    });
  });
});

describe("parseTrx", () => {
  const trx = (results: string, definitions = "") =>
    parseTrx(
      bytes(
        `<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>${results}</Results><TestDefinitions>${definitions}</TestDefinitions></TestRun>`,
      ),
      DEFAULT_PARSE_LIMITS,
    );

  it("joins results to definitions that come later, stripping the class from the name", async () => {
    const report = await trx(
      `<UnitTestResult testId="1" testName="Ns.C.T" outcome="Failed" duration="00:00:01.5000000"><Output><ErrorInfo><Message>m</Message><StackTrace>s</StackTrace></ErrorInfo><StdOut>o</StdOut></Output></UnitTestResult>`,
      `<UnitTest id="1" name="Ns.C.T"><TestMethod className="Ns.C, Asm, Version=1.0.0.0" name="T"/></UnitTest>`,
    );
    expect(report.tests[0]).toMatchObject({ suite: "Ns.C", name: "T", outcome: "failed" });
    expect(report.tests[0].attempts[0]).toEqual({
      status: "failed",
      durationMs: 1500,
      message: "m",
      stack: "s",
      stdout: "o",
    });
  });

  it("uses inner results (data rows, MSTest retries) instead of their summary", async () => {
    const report = await trx(`<UnitTestResult testId="1" testName="T" outcome="Passed"><InnerResults>
      <UnitTestResult testId="1" testName="T" outcome="Failed"/><UnitTestResult testId="1" testName="T" outcome="Passed"/></InnerResults></UnitTestResult>`);
    expect(report.tests[0].attempts.map((a) => a.status)).toEqual(["failed", "passed"]);
    expect(report.tests[0].flaky).toBe(true);
  });

  it.each([
    ["Timeout", "error"],
    ["NotExecuted", "skipped"],
    ["Aborted", "skipped"],
    ["Warning", "passed"],
  ])("maps outcome %s to %s", async (outcome, status) => {
    expect((await trx(`<UnitTestResult testId="1" testName="T" outcome="${outcome}"/>`)).tests[0].outcome).toBe(status);
  });
});

describe("parseNUnit", () => {
  it("reads NUnit 3 test-cases with class, duration, failure message and stack", async () => {
    const report = await parseNUnit(
      bytes(`<test-run><test-suite type="TestFixture" fullname="Ns.Fixture"><test-case name="T(1)" classname="Ns.Fixture" result="Failed" label="Error" duration="0.5">
      <failure><message><![CDATA[boom]]></message><stack-trace>at T</stack-trace></failure><output>log</output></test-case>
      <test-case name="U" result="Skipped"><reason><message>later</message></reason></test-case></test-suite></test-run>`),
      DEFAULT_PARSE_LIMITS,
    );
    expect(report.tests[0]).toMatchObject({ suite: "Ns.Fixture", name: "T(1)", outcome: "failed" });
    expect(report.tests[0].attempts[0]).toEqual({
      status: "failed",
      durationMs: 500,
      type: "Error",
      message: "boom",
      stack: "at T",
      stdout: "log",
    });
    expect(report.tests[1]).toMatchObject({ suite: "Ns.Fixture", outcome: "skipped" });
  });

  it("reads NUnit 2 results: executed=False is skipped, Error is error", async () => {
    const report = await parseNUnit(
      bytes(`<test-results><test-suite name="S"><results>
      <test-case name="a" executed="False"/><test-case name="b" executed="True" result="Error"/></results></test-suite></test-results>`),
      DEFAULT_PARSE_LIMITS,
    );
    expect(report.tests.map((t) => t.outcome)).toEqual(["skipped", "error"]);
  });
});

describe("parseXUnit", () => {
  it("keeps the display name (theory arguments) without the class, traits as properties", async () => {
    const report = await parseXUnit(
      bytes(`<assemblies><assembly><collection name="c">
      <test name="Ns.C.M(x: 1)" type="Ns.C" method="M" result="Fail" time="0.25"><traits><trait name="Category" value="slow"/></traits>
      <failure exception-type="Xunit.EqualException"><message>nope</message><stack-trace>at M</stack-trace></failure></test>
      <test name="Ns.C.M(x: 2)" type="Ns.C" method="M" result="Skip"><reason><![CDATA[later]]></reason></test></collection></assembly></assemblies>`),
      DEFAULT_PARSE_LIMITS,
    );
    expect(report.tests.map((t) => [t.suite, t.name, t.outcome])).toEqual([
      ["Ns.C", "M(x: 1)", "failed"],
      ["Ns.C", "M(x: 2)", "skipped"],
    ]);
    expect(report.tests[0].attempts[0]).toEqual({
      status: "failed",
      durationMs: 250,
      type: "Xunit.EqualException",
      message: "nope",
      stack: "at M",
    });
    expect(report.tests[0].properties).toEqual({ Category: "slow" });
  });
});
