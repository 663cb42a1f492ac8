// The wide report of `npm run bench:ingest -- --wide N`: ONE JUnit report of N distinct tests, as a monorepo
// or a big Java suite uploads it — many modules and classes, parameterized names, ~4 % failing with a ~2 KB
// stack. Upload k of the same project runs the same N tests at a new commit: half its failures are the same
// tests every time (broken or flaky ones), the other half move with k, so a steady-state upload changes
// some verdicts, not all. Also the rows the server would store for it, for the bare insert.
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { reportRows } from "../../src/ingest/identity.ts";
import { parseReport } from "../../src/ingest/registry.ts";
import type { ResultRow, TestRow } from "../../src/model/ingest.ts";
import { DEFAULT_PARSE_LIMITS } from "../../src/model/limits.ts";

/** Tests per class (one <testsuite> each), classes per module. */
const TESTS_PER_CLASS = 50;
const CLASSES_PER_MODULE = 40;
const VERBS = ["handles", "rejects", "parses", "renders", "retries", "validates", "serializes", "migrates"];
const SUBJECTS = ["request", "payload", "invoice", "session", "widget", "schedule", "query", "upload"];
const LOCALES = ["en-US", "de-DE", "ja-JP", "pt-BR", "fr-FR"];
const STACK = Array.from(
  { length: 30 },
  (_, i) => `    at com.example.platform.Handler${i}.call(Handler${i}.java:${100 + i})`,
).join("\n");

/** Whether test `i` fails in upload `k`: 2 % always, another 2 % that move with k. */
export function failsIn(i: number, upload: number): boolean {
  return i % 50 === 0 || (i + 25 + upload * 7) % 50 === 0;
}

/** The XML of test `i` in upload `k` (its class opens and closes around it). */
function testcaseXml(i: number, upload: number): string {
  const module = Math.floor(i / (TESTS_PER_CLASS * CLASSES_PER_MODULE));
  const cls = `com.example.module${module}.${SUBJECTS[(i >> 6) % SUBJECTS.length]}.Feature${Math.floor(i / TESTS_PER_CLASS)}Test`;
  const slot = i % TESTS_PER_CLASS;
  const name = `${VERBS[slot % VERBS.length]} ${SUBJECTS[(slot >> 3) % SUBJECTS.length]}[${slot}] (locale=${LOCALES[i % LOCALES.length]}, size=${(i * 37) % 1000})`;
  const head = `    <testcase classname="${cls}" name="${name}" time="0.${(i * 13 + upload) % 1000}"`;
  if (!failsIn(i, upload)) return `${head}/>\n`;
  const top = `    at ${cls}.test${slot}(Feature${Math.floor(i / TESTS_PER_CLASS)}Test.java:${40 + (slot % 50)})`;
  return `${head}>\n      <failure message="expected &lt;200&gt; but was &lt;500&gt; for case ${slot}" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: expected <200> but was <500>\n${top}\n${STACK}]]></failure>\n    </testcase>\n`;
}

/** Writes upload `k` of the N-test project to `path` (plain XML). */
export async function writeWideReport(path: string, tests: number, upload: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="wide">\n`);
  for (let i = 0; i < tests; i++) {
    const cls = Math.floor(i / TESTS_PER_CLASS);
    if (i % TESTS_PER_CLASS === 0)
      await write(`  <testsuite name="Feature${cls}Test" tests="${TESTS_PER_CLASS}" time="4.2">\n`);
    await write(testcaseXml(i, upload));
    if (i % TESTS_PER_CLASS === TESTS_PER_CLASS - 1 || i === tests - 1) await write(`  </testsuite>\n`);
  }
  await write(`</testsuites>\n`);
  out.end();
  await once(out, "finish");
}

/** The gzipped bytes of the XML file at `path` (the upload body). */
export async function gzipped(path: string): Promise<Buffer> {
  const target = `${path}.gz`;
  await pipeline(createReadStream(path), createGzip(), createWriteStream(target));
  return readFileSync(target);
}

/** What the server would store for the report at `path`, by the app's own parser and identity code. */
export async function wideRows(path: string): Promise<{ tests: TestRow[]; results: ResultRow[] }> {
  // Raised like the parse bench's: a 1,000,000-test report would pass the default size limit.
  const limits = { ...DEFAULT_PARSE_LIMITS, maxBytes: 512 * 1024 * 1024 };
  const parsed = await parseReport(createReadStream(path) as AsyncIterable<Uint8Array>, { format: "junit" }, limits);
  return reportRows("bench-bare", parsed);
}
