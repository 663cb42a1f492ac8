// One test is one test: classname-less testcases told apart by their suite path, a repeat after a pass or
// a skip kept as another invocation ("name [N]"), and none of it flaky from one report. The fixtures in
// test/fixtures/identity are small reports in the shape of PHPUnit/Selenium, jest-junit, TestNG and googletest.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseReport } from "./registry.ts";
import { bytes } from "../../test/helpers/ingest.ts";

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/identity");
const fixture = (name: string) => parseReport(readFileSync(resolve(FIXTURES, name)));
const keys = (report: Awaited<ReturnType<typeof parseReport>>) => report.tests.map((t) => [t.suite, t.name, t.outcome]);

describe("test identity in one report", () => {
  it("tells a PHPUnit/Selenium class's Chrome and Firefox runs apart by suite path", async () => {
    const report = await fixture("phpunit-selenium.xml");
    expect(report.counts).toEqual({ tests: 6, passed: 4, failed: 0, error: 2, skipped: 0, flaky: 0, attempts: 6 });
    const chrome = "Selenium > FiltersTest: chrome > FiltersTest::testFilterByNull";
    const firefox = "Selenium > FiltersTest: firefox > FiltersTest::testFilterByNull";
    expect(keys(report).slice(0, 2)).toEqual([
      [chrome, "testFilterByNull with data set #0", "passed"],
      [chrome, "testFilterByNull with data set #1", "error"],
    ]);
    // Errored in Chrome, passed in Firefox: two tests, not "failed, then passed on retry".
    expect(report.tests.find((t) => t.suite === firefox && t.name.endsWith("#1"))).toMatchObject({
      outcome: "passed",
      flaky: false,
    });
  });

  it("keeps repeated jest-junit titles (empty classname) apart as invocations", async () => {
    const report = await fixture("jest-junit-empty-classname.xml");
    expect(report.counts).toEqual({ tests: 9, passed: 7, failed: 1, error: 0, skipped: 1, flaky: 0, attempts: 9 });
    expect(keys(report)).toEqual([
      ["Cart", "adds an item", "passed"],
      ["Cart", "removes an item", "passed"],
      ["Cart", "adds an item [2]", "passed"],
      ["Cart", "shows the total", "passed"],
      ["Cart", "adds an item [3]", "failed"],
      ["Cart", "shows the total [2]", "skipped"],
      ["Cart", "shows the total [3]", "passed"],
      ["Checkout", "pays with a card", "passed"],
      ["Checkout", "pays with a card [2]", "passed"],
    ]);
  });

  it("counts each TestNG data-provider invocation, a failure after a skip included", async () => {
    const report = await fixture("testng-dataprovider.xml");
    expect(report.counts).toEqual({ tests: 7, passed: 5, failed: 1, error: 0, skipped: 1, flaky: 0, attempts: 7 });
    expect(report.tests.map((t) => t.name)).toEqual([
      "logsIn",
      "logsIn [2]",
      "logsIn [3]",
      "rejectsBadPassword",
      "rejectsBadPassword [2]",
      "logsOut",
      "logsOut [2]",
    ]);
  });

  it("reads googletest's disabled (notrun/suppressed) and GTEST_SKIP tests as skipped", async () => {
    const report = await fixture("googletest-disabled.xml");
    expect(report.counts).toEqual({ tests: 5, passed: 3, failed: 0, error: 0, skipped: 2, flaky: 0, attempts: 5 });
    expect(report.tests.filter((t) => t.outcome === "skipped").map((t) => t.name)).toEqual([
      "DISABLED_Divides",
      "NeedsGpu",
    ]);
  });

  it("keeps today's key where a classname is present or the suite is not nested", async () => {
    const report = await parseReport(
      bytes(`<testsuites><testsuite name="outer"><testsuite name="inner">
      <testcase classname="pkg.C" name="a"/><testcase name="b"/></testsuite></testsuite>
      <testsuite name="flat"><testcase name="c"/></testsuite><testsuite name=""><testcase name="d"/></testsuite></testsuites>`),
    );
    expect(report.tests.map((t) => [t.suite, t.name])).toEqual([
      ["pkg.C", "a"],
      ["outer > inner", "b"],
      ["flat", "c"],
      ["", "d"],
    ]);
  });

  it("still folds real retries: failed then passed is flaky, failed twice then errored is one failing test", async () => {
    const report = await parseReport(
      bytes(`<testsuite name="S">
      <testcase classname="C" name="t"><failure/></testcase><testcase classname="C" name="t"/>
      <testcase classname="C" name="u"><failure/></testcase><testcase classname="C" name="u"><failure/></testcase>
      <testcase classname="C" name="u"><error/></testcase><testcase classname="C" name="t"/></testsuite>`),
    );
    // t passed on its retry; the third t comes after that pass, so it is t's next invocation.
    expect(report.tests.map((t) => [t.name, t.attempts.length, t.outcome, t.flaky])).toEqual([
      ["t", 2, "passed", true],
      ["u", 3, "error", false],
      ["t [2]", 1, "passed", false],
    ]);
    expect(report.counts).toMatchObject({ tests: 3, flaky: 1, attempts: 6 });
  });

  it("numbers invocations per key, skipping a number a real test's name has taken", async () => {
    const report = await parseReport(
      bytes(`<testsuite name="S">
      <testcase classname="C" name="t [2]"><failure/></testcase><testcase classname="C" name="t"/>
      <testcase classname="C" name="t"/></testsuite>`),
    );
    expect(report.tests.map((t) => [t.name, t.attempts.length, t.flaky])).toEqual([
      ["t [2]", 1, false],
      ["t", 1, false],
      ["t [3]", 1, false],
    ]);
  });
});
