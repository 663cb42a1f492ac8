import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS } from "../model/limits.ts";
import { parseJUnit } from "./junit.ts";
import { bytes, parseError } from "../../test/helpers/ingest.ts";

const parse = (xml: string) => parseJUnit(bytes(xml), DEFAULT_PARSE_LIMITS);
const suite = (cases: string, attributes = 'name="S"') =>
  `<testsuites><testsuite ${attributes}>${cases}</testsuite></testsuites>`;

describe("parseJUnit", () => {
  it("reads statuses, converts seconds to ms and keeps failure details", async () => {
    const report = await parse(
      suite(`<testcase classname="C" name="ok" time="1.5"/>
        <testcase classname="C" name="bad" time="0.25"><failure message="expected 1" type="AssertionError">at x.js:1</failure></testcase>
        <testcase classname="C" name="boom"><error message="NPE"/></testcase>
        <testcase classname="C" name="later"><skipped message="todo"/></testcase>`),
    );
    expect(report.tests.map((t) => [t.name, t.outcome, t.attempts[0].durationMs])).toEqual([
      ["ok", "passed", 1500],
      ["bad", "failed", 250],
      ["boom", "error", null],
      ["later", "skipped", null],
    ]);
    expect(report.tests[1].attempts[0]).toMatchObject({
      message: "expected 1",
      type: "AssertionError",
      stack: "at x.js:1",
    });
    expect(report.counts).toMatchObject({ tests: 4, passed: 1, failed: 1, error: 1, skipped: 1, attempts: 4 });
  });

  it.each([
    ["NaN", "abc"],
    ["negative", "-1"],
    ["huge", "1e12"],
  ])("reads a %s time as unknown", async (_what, time) => {
    expect((await parse(suite(`<testcase name="t" time="${time}"/>`))).tests[0].attempts[0].durationMs).toBeNull();
  });

  it("folds a repeated testcase into attempts in order: passed after a failure is flaky", async () => {
    const report = await parse(
      suite(`<testcase classname="C" name="t"><failure/></testcase>
      <testcase classname="C" name="t"><error/></testcase><testcase classname="C" name="t"/>
      <testcase classname="D" name="t"/>`),
    );
    expect(report.tests).toHaveLength(2);
    expect(report.tests[0].attempts.map((a) => a.status)).toEqual(["failed", "error", "passed"]);
    expect(report.tests[0]).toMatchObject({ outcome: "passed", flaky: true });
    expect(report.counts).toMatchObject({ tests: 2, flaky: 1, attempts: 4 });
  });

  it("keeps the last status when no attempt passed, and tells files apart", async () => {
    const report = await parse(
      suite(`<testcase name="t" file="a.py"><failure/></testcase><testcase name="t" file="a.py"><error/></testcase>
      <testcase name="t" file="b.py"/>`),
    );
    expect(report.tests.map((t) => [t.file, t.outcome, t.flaky])).toEqual([
      ["a.py", "error", false],
      ["b.py", "passed", false],
    ]);
  });

  it("reads Surefire flakyFailure/flakyError as failed attempts before the passing run", async () => {
    const report = await parse(
      suite(`<testcase classname="C" name="t" time="2">
      <flakyFailure message="m1" type="AE" time="1"><stackTrace>trace1</stackTrace><system-out>out1</system-out></flakyFailure>
      <flakyError message="m2" type="IOE"><stackTrace>trace2</stackTrace></flakyError></testcase>`),
    );
    const [test] = report.tests;
    expect(test.attempts).toEqual([
      { status: "failed", durationMs: 1000, message: "m1", type: "AE", stack: "trace1", stdout: "out1" },
      { status: "error", durationMs: null, message: "m2", type: "IOE", stack: "trace2" },
      { status: "passed", durationMs: 2000 },
    ]);
    expect(test).toMatchObject({ outcome: "passed", flaky: true });
  });

  it("reads rerunFailure/rerunError as failed reruns after the first failure", async () => {
    const report = await parse(
      suite(`<testcase name="t"><failure message="first"/>
      <rerunFailure message="second"/><rerunError message="third"/></testcase>`),
    );
    expect(report.tests[0].attempts.map((a) => [a.status, a.message])).toEqual([
      ["failed", "first"],
      ["failed", "second"],
      ["error", "third"],
    ]);
    expect(report.tests[0]).toMatchObject({ outcome: "error", flaky: false });
  });

  it("uses the enclosing suite when classname is missing or empty (jest-junit, Bazel, googletest)", async () => {
    const report = await parse(suite(`<testcase classname="" name="a"/><testcase name="b"/>`, 'name="widget.test.js"'));
    expect(report.tests.map((t) => t.suite)).toEqual(["widget.test.js", "widget.test.js"]);
  });

  it("reads pytest file/line, PHPUnit nested suites with file, and testsuite as the root", async () => {
    const report = await parse(`<testsuite name="outer" file="tests/"><testsuite name="inner" file="tests/FooTest.php">
      <testcase name="testA" class="FooTest" line="12"/><testcase name="test_b" classname="m" file="t.py" line="7"/></testsuite></testsuite>`);
    expect(report.tests.map((t) => [t.suite, t.name, t.file, t.line])).toEqual([
      ["FooTest", "testA", "tests/FooTest.php", 12],
      ["m", "test_b", "t.py", 7],
    ]);
    expect(report.suites.map((s) => s.name)).toEqual(["outer", "inner"]);
  });

  it("reads googletest/Bazel status attributes: disabled, notrun and suppressed are skipped", async () => {
    const report = await parse(
      suite(`<testcase name="a" status="disabled"/><testcase name="b" status="notrun"/>
      <testcase name="c" status="run"/><testcase name="d" result="skipped"/>
      <testcase name="e" status="notrun" result="suppressed"/><testcase name="f" status="run" result="skipped"/>
      <testcase name="g" status="run" result="completed"/>`),
    );
    expect(report.tests.map((t) => t.outcome)).toEqual([
      "skipped",
      "skipped",
      "passed",
      "skipped",
      "skipped",
      "skipped",
      "passed",
    ]);
  });

  it("ranks several results in one testcase: error over failure over skipped", async () => {
    const report = await parse(
      suite(
        `<testcase name="a"><skipped/><failure/><error/></testcase><testcase name="b"><skipped/><failure/></testcase>`,
      ),
    );
    expect(report.tests.map((t) => t.outcome)).toEqual(["error", "failed"]);
  });

  it("keeps CDATA bodies and system-out/err, bounded", async () => {
    const long = "y".repeat(70_000);
    const report = await parse(
      suite(
        `<testcase name="t"><failure><![CDATA[a < b]]></failure><system-out>${long}</system-out><system-err>e</system-err></testcase>`,
      ),
    );
    const [attempt] = report.tests[0].attempts;
    expect(attempt.stack).toBe("a < b");
    expect(attempt.stdout).toMatch(/^y{65536}\n…\[truncated 4464 characters\]$/);
    expect(attempt.stderr).toBe("e");
  });

  it("reads suite and testcase properties, value attribute or text (Playwright, pytest record_property)", async () => {
    const report = await parse(`<testsuites><testsuite name="S" tests="1" time="2" hostname="h" timestamp="t">
      <properties><property name="os" value="linux"/></properties>
      <testcase name="t"><properties><property name="owner">team-a</property></properties></testcase></testsuite></testsuites>`);
    expect(report.suites[0]).toEqual({
      name: "S",
      declaredTests: 1,
      durationMs: 2000,
      timestamp: "t",
      hostname: "h",
      properties: { os: "linux" },
    });
    expect(report.tests[0].properties).toEqual({ owner: "team-a" });
  });

  it("names nameless testcases by their position in the suite, so they are counted and kept", async () => {
    const report = await parse(
      `<testsuites><testsuite name="s"><testcase/><testcase name=" "><failure/></testcase><testcase name="x"/>` +
        `</testsuite><testsuite name="other"><testcase classname="c"/></testsuite></testsuites>`,
    );
    expect(report.counts.tests).toBe(4);
    expect(report.tests.map((t) => [t.suite, t.name, t.outcome])).toEqual([
      ["s", "(unnamed testcase 1)", "passed"],
      ["s", "(unnamed testcase 2)", "failed"],
      ["s", "x", "passed"],
      ["c", "(unnamed testcase 1)", "passed"],
    ]);
  });

  it("refuses another root element with 422, naming it", async () => {
    const error = await parseError(parse("<html><body/></html>"));
    expect(error).toMatchObject({
      code: "not_a_report",
      status: 422,
      message: "not a JUnit report: root element <html>",
    });
  });

  it("refuses more executions than maxTestcases with 413", async () => {
    const error = await parseError(
      parseJUnit(bytes(suite('<testcase name="a"/><testcase name="b"/>')), {
        ...DEFAULT_PARSE_LIMITS,
        maxTestcases: 1,
      }),
    );
    expect(error.status).toBe(413);
  });
});
