// The reports the end-to-end ingest bench uploads, and the same rows for the bare inserts. One project
// runs the same 2,000 tests in every CI run (so test identities repeat and only results grow); which
// 5% fail rotates with the run, so the bodies differ too.
import { reportRows } from "../../src/ingest/identity.ts";
import { parseReport } from "../../src/ingest/registry.ts";
import type { ResultRow, TestRow } from "../../src/model/ingest.ts";
import { DEFAULT_PARSE_LIMITS } from "../../src/model/limits.ts";

/** Testcases per uploaded report. */
export const TESTS_PER_REPORT = 2_000;
/** Distinct bodies: report k uses body k % VARIANTS (its commit and run still make it a new report). */
export const VARIANTS = 20;

const ASSERTIONS = [
  "expected status ok but was failed",
  "timeout waiting for element",
  "null pointer in handler",
  "expected list to contain widget",
  "assertion on header value",
  "connection reset by peer",
  "unexpected token in JSON",
  "index out of bounds",
  "expected true but was false",
  "mock was not called",
  "illegal state: closed",
  "date mismatch",
  "wrong currency code",
  "permission denied for user",
  "duplicate key value",
  "missing field name",
  "cache miss on key",
  "expected sorted order",
  "stale element reference",
  "unexpected redirect",
];
const STACK = Array.from(
  { length: 30 },
  (_, i) => `    at com.example.service.Handler${i}.call(Handler${i}.java:${100 + i})`,
).join("\n");

/** The JUnit XML of variant `v`: suites of 100 cases, every 20th (shifted by v) failing with a ~2 KB stack. */
export function reportXml(v: number): string {
  const parts = [`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n`];
  for (let i = 0; i < TESTS_PER_REPORT; i++) {
    if (i % 100 === 0) parts.push(`  <testsuite name="com.example.Suite${i / 100}" tests="100" time="12.5">\n`);
    const head = `    <testcase classname="com.example.service.HandlerTest${i % 997}" name="handles request number ${i} with a descriptive name" file="src/test/java/com/example/HandlerTest.java" time="0.${(i * 7 + v) % 1000}"`;
    if ((i + v) % 20 === 0) {
      // Each failing test fails its own way (a real suite's failures differ), so the report is no outage:
      // its own message (i % 20 is the same for every failure of a report) and its own top frame.
      const message = `${ASSERTIONS[Math.floor(i / 20) % ASSERTIONS.length]} in run ${v}`;
      const top = `    at com.example.service.HandlerTest${i % 997}.handlesRequest${i}(HandlerTest.java:${40 + (i % 50)})`;
      parts.push(
        `${head}>\n      <failure message="${message}" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: expected <200> but was <500>\n${top}\n${STACK}]]></failure>\n      <system-out>request ${i} took 12 ms</system-out>\n    </testcase>\n`,
      );
    } else {
      parts.push(`${head}/>\n`);
    }
    if (i % 100 === 99) parts.push(`  </testsuite>\n`);
  }
  parts.push(`</testsuites>\n`);
  return parts.join("");
}

/** The upload bodies, one per variant. */
export function reportBodies(): Uint8Array<ArrayBuffer>[] {
  const encoder = new TextEncoder();
  return Array.from({ length: VARIANTS }, (_, v) => encoder.encode(reportXml(v)));
}

/** What the server would store for each variant, parsed by the app's own parser and identity code. */
export async function variantRows(
  projectId: string,
  bodies: Uint8Array[],
): Promise<{ tests: TestRow[]; results: ResultRow[][] }> {
  const results: ResultRow[][] = [];
  let tests: TestRow[] = [];
  for (const body of bodies) {
    const rows = reportRows(projectId, await parseReport(body, { format: "junit" }, DEFAULT_PARSE_LIMITS));
    tests = rows.tests;
    results.push(rows.results);
  }
  return { tests, results };
}
