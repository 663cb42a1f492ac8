// One test is one test, through the API on every backend: each identity fixture (PHPUnit/Selenium runs in
// two browsers, jest-junit titles under an empty classname, TestNG data-provider invocations, googletest's
// skipped tests) uploaded once into its own project stores one test per invocation and calls none flaky.
// A real retry (failed, then passed) in one report is the control: that one is flaky.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "identity");

// fixture → tests it holds (each testcase one test: as dorny/test-reporter and Jenkins xUnit count them).
const EXPECTED_TESTS: Record<string, number> = {
  "phpunit-selenium.xml": 6,
  "jest-junit-empty-classname.xml": 9,
  "testng-dataprovider.xml": 7,
  "googletest-disabled.xml": 5,
};

const RETRIED = `<testsuite name="app">
  <testcase classname="app.Retry" name="flaps"><failure message="timeout">at app.js:1</failure></testcase>
  <testcase classname="app.Retry" name="flaps"/>
  <testcase classname="app.Retry" name="steady"/>
</testsuite>`;

describe.each(BACKENDS)("test identity on %s", (backend) => {
  let t: TestApp;
  const tests = async (project: string, query = "") =>
    (await t.json("GET", `/api/v1/projects/${project}/tests?limit=100${query}`)).body.tests as {
      name: string;
      status: string;
    }[];
  const upload = async (project: string, body: string) => {
    await t.json("POST", "/api/v1/projects", { slug: project });
    const res = await t.request(`/api/v1/projects/${project}/reports?commit=c1&branch=main&run=r1&job=unit`, {
      method: "POST",
      body,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()).reports[0].counts as { tests: number; flaky: number };
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t?.close());

  it("calls a test that failed then passed in one report flaky (the control)", async () => {
    expect(await upload("retried", RETRIED)).toMatchObject({ tests: 2, flaky: 1 });
    await t.app.runJobsOnce();
    expect((await tests("retried", "&status=flaky")).map((x) => x.name)).toEqual(["flaps"]);
  });

  it.each(Object.entries(EXPECTED_TESTS))("stores %s as %i tests, none flaky", async (file, count) => {
    const project = file.replace(/\.xml$/, "");
    expect(await upload(project, readFileSync(join(FIXTURES, file), "utf8"))).toMatchObject({ tests: count, flaky: 0 });
    await t.app.runJobsOnce();
    expect(await tests(project)).toHaveLength(count);
    expect(await tests(project, "&status=flaky")).toEqual([]);
  });
});
