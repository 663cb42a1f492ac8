// `node test/bench/ingest-parse.ts`: how fast the parser reads a big JUnit report, against the bare saxes
// tokenizer it is built on. Generates a ~58 MB report (200k testcases, 5% failing with stacks), then
// measures each reader 3 times, every run in its own child process (so peak RSS is its own): the median.
// The parser is measured as the server runs it: streamTestcases (no parser-level fold) with a consumer that
// reads every test of a batch and drops it. Beside it, each on its own line: that parser feeding
// streamedRows (fold by test id, ids, rows: the server's whole parse stage, without the database),
// parseReportStream (the parser's own fold) and parseReport (every test kept). Then the tokenizer and the
// streaming parser again on a report twice as large, to show whether peak RSS grows with the file.
// INGEST_BENCH_REPORT=/path reuses (or creates and keeps) the reports between invocations.
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SaxesParser } from "saxes";
import { streamedRows } from "../../src/ingest/identity.ts";
import { parseReport, parseReportStream, streamTestcases, type TestBatch } from "../../src/ingest/registry.ts";
import { DEFAULT_PARSE_LIMITS } from "../../src/model/limits.ts";

const TESTCASES = 200_000;
// The default 100 MiB limit would refuse the double-size report: both sizes are read under the same raised limit.
const LIMITS = { ...DEFAULT_PARSE_LIMITS, maxBytes: 256 * 1024 * 1024 };
type Reader = "tokenizer" | "stream" | "rows" | "folded" | "parser";
// Runs per reader (INGEST_PARSE_RUNS): more on a busy machine, where single runs move by ±30%.
const RUNS = Number(process.env.INGEST_PARSE_RUNS ?? 3);
/** The streaming parser must keep at least this share of the bare tokenizer's throughput. */
export const TARGET_RATIO = 0.7;

/** One reader's figures. */
export interface ReaderFigures {
  seconds: number;
  /** CPU seconds of the whole process (garbage-collector threads included): steadier than wall time under load. */
  cpuSeconds: number;
  mbPerSecond: number;
  resultsPerSecond: number;
  peakRssMb: number;
  results: number;
}

/** What the benchmark measured. */
export interface ParseBenchResult {
  sizeMb: number;
  testcases: number;
  tokenizer: ReaderFigures;
  /** streamTestcases (no fold) with a consumer that drops each batch: the path the ratio is about. */
  parser: ReaderFigures;
  /** streamTestcases into streamedRows: the server's parse stage (fold by id, test ids, rows). */
  rows: ReaderFigures;
  /** parseReportStream (the parser-level fold) with the same consumer. */
  folded: ReaderFigures;
  /** parseReport, every test kept until the end. */
  collector: ReaderFigures;
  ratio: number;
  /** Median CPU seconds of the tokenizer over median CPU seconds of the streaming parser. */
  cpuRatio: number;
  /** The same on a report with twice the testcases: peak RSS of each. */
  double: { sizeMb: number; tokenizer: ReaderFigures; parser: ReaderFigures };
}

const STACK = Array.from(
  { length: 30 },
  (_, i) => `    at com.example.service.Handler${i}.call(Handler${i}.java:${100 + i})`,
).join("\n");

/** Writes the synthetic report: suites of 100 cases, every 20th failing with a ~2 KB stack. */
export async function generateReport(path: string, testcases = TESTCASES): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n`);
  for (let index = 0; index < testcases; index++) {
    if (index % 100 === 0)
      await write(
        `  <testsuite name="com.example.Suite${index / 100}" tests="100" time="12.5" timestamp="2024-01-01T00:00:00">\n`,
      );
    const head = `    <testcase classname="com.example.service.HandlerTest${index % 997}" name="handles request number ${index} with a descriptive name" file="src/test/java/com/example/HandlerTest.java" time="0.${index % 1000}"`;
    if (index % 20 === 0) {
      await write(
        `${head}>\n      <failure message="expected &lt;200&gt; but was &lt;500&gt;" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: expected <200> but was <500>\n${STACK}]]></failure>\n      <system-out>request ${index} took 12 ms</system-out>\n    </testcase>\n`,
      );
    } else {
      await write(`${head}/>\n`);
    }
    if (index % 100 === 99) await write(`  </testsuite>\n`);
  }
  await write(`</testsuites>\n`);
  out.end();
  await once(out, "finish");
}

/** The bare tokenizer: saxes with no-op handlers, fed the same decoded chunks. */
async function tokenize(path: string): Promise<number> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const decoder = new TextDecoder("utf-8");
  let testcases = 0;
  parser.on("opentag", (node) => {
    if (node.name === "testcase") testcases++;
  });
  parser.on("closetag", () => {});
  parser.on("text", () => {});
  parser.on("cdata", () => {});
  for await (const chunk of createReadStream(path)) parser.write(decoder.decode(chunk as Uint8Array, { stream: true }));
  parser.close();
  return testcases;
}

async function parse(path: string): Promise<number> {
  const report = await parseReport(createReadStream(path) as AsyncIterable<Uint8Array>, { format: "auto" }, LIMITS);
  return report.counts.attempts;
}

// What a store does with a batch before dropping it, minus the database: reads every test and attempt.
// The sums are printed, so V8 cannot drop the work.
let checksum = 0;
function consume(batch: TestBatch): void {
  for (const test of batch.tests) {
    checksum += test.suite.length + test.name.length + (test.file?.length ?? 0) + test.attempts.length;
    for (const attempt of test.attempts)
      if (attempt.status !== "passed") checksum += (attempt.message?.length ?? 0) + (attempt.stack?.length ?? 0);
  }
}

const open = (path: string) => createReadStream(path) as AsyncIterable<Uint8Array>;
// The attempts a consumer saw (the unfolded stream has no counts).
let attempts = 0;
const consumeCounting = (batch: TestBatch): void => {
  for (const test of batch.tests) attempts += test.attempts.length;
  consume(batch);
};

async function stream(path: string): Promise<number> {
  await streamTestcases(open(path), { format: "auto" }, LIMITS, consumeCounting);
  if (checksum === 0) throw new Error("the consumer saw nothing");
  return attempts;
}

async function rows(path: string): Promise<number> {
  const builder = streamedRows("bench");
  const summary = await streamTestcases(open(path), { format: "auto" }, LIMITS, (batch) => builder.add(batch.tests));
  return builder.finish(summary.format).counts.attempts;
}

async function folded(path: string): Promise<number> {
  const summary = await parseReportStream(open(path), { format: "auto" }, LIMITS, consume);
  if (checksum === 0) throw new Error("the consumer saw nothing");
  return summary.counts.attempts;
}

const READ: Record<Reader, (path: string) => Promise<number>> = {
  tokenizer: tokenize,
  stream,
  rows,
  folded,
  parser: parse,
};

/** Runs one reader once in this process and prints its figures as JSON (child-process mode). */
async function measure(reader: Reader, path: string): Promise<void> {
  const sizeMb = statSync(path).size / 1e6;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const results = await READ[reader](path);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { user, system } = process.cpuUsage(cpu);
  const figures: ReaderFigures = {
    seconds,
    cpuSeconds: (user + system) / 1e6,
    mbPerSecond: sizeMb / seconds,
    resultsPerSecond: results / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    results,
  };
  process.stdout.write(JSON.stringify(figures));
}

// A fresh process per run: no JIT warm-up or heap carried over from an earlier run, and peak RSS is that
// run's alone.
function measureInChild(reader: Reader, path: string): ReaderFigures {
  const child = spawnSync(process.execPath, [import.meta.filename, "--measure", reader, path], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`${reader} run failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ReaderFigures;
}

// The run with the median time (its own RSS with it), so one lucky or unlucky run on a shared machine
// does not decide the figure.
function median(runs: ReaderFigures[]): ReaderFigures {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
}

const medianCpu = (runs: ReaderFigures[]): number =>
  [...runs].map((r) => r.cpuSeconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)];

const row = (label: string, f: ReaderFigures, runs: ReaderFigures[]): string =>
  `| ${label} | ${f.seconds.toFixed(2)} | ${medianCpu(runs).toFixed(2)} | ${f.mbPerSecond.toFixed(1)} | ${Math.round(f.resultsPerSecond).toLocaleString("en")} | ${f.peakRssMb.toFixed(0)} | ${runs.map((r) => r.mbPerSecond.toFixed(0)).join(" / ")} |`;

// Every reader RUNS times, interleaved, so a burst of load from other work on the machine hits all alike.
function measureAll(readers: Reader[], path: string): Record<Reader, ReaderFigures[]> {
  const runs: Record<Reader, ReaderFigures[]> = { tokenizer: [], stream: [], rows: [], folded: [], parser: [] };
  for (let run = 0; run < RUNS; run++) for (const reader of readers) runs[reader].push(measureInChild(reader, path));
  return runs;
}

/** The bare tokenizer on the report at `path`: the median of its runs, each in its own process. */
export function measureTokenizer(path: string): ReaderFigures {
  return median(measureAll(["tokenizer"], path).tokenizer);
}

/** Generates the reports (or reuses INGEST_BENCH_REPORT), measures the readers, prints tables, returns the medians. */
export async function runParseBench(): Promise<ParseBenchResult> {
  const reused = process.env.INGEST_BENCH_REPORT;
  const folder = reused ? undefined : mkdtempSync(join(tmpdir(), "flakeguard-parse-bench-"));
  const path = reused ?? join(folder!, "junit-200k.xml");
  const doublePath = path.replace(/(\.xml)?$/, "-x2.xml");
  try {
    if (!reused || !existsSync(path)) await generateReport(path);
    if (!reused || !existsSync(doublePath)) await generateReport(doublePath, TESTCASES * 2);
    const sizeMb = statSync(path).size / 1e6;
    const runs = measureAll(["tokenizer", "stream", "rows", "folded", "parser"], path);
    const tokenizer = median(runs.tokenizer);
    const parser = median(runs.stream);
    const collector = median(runs.parser);
    const withRows = median(runs.rows);
    const foldedParser = median(runs.folded);
    const share = (runsOf: ReaderFigures[], f: ReaderFigures) =>
      `${((f.mbPerSecond / tokenizer.mbPerSecond) * 100).toFixed(0)}% / ${((medianCpu(runs.tokenizer) / medianCpu(runsOf)) * 100).toFixed(0)}%`;
    const ratio = parser.mbPerSecond / tokenizer.mbPerSecond;
    const cpuRatio = medianCpu(runs.tokenizer) / medianCpu(runs.stream);
    console.log(
      `JUnit report: ${sizeMb.toFixed(1)} MB, ${TESTCASES.toLocaleString("en")} testcases; median of ${RUNS} runs, each in its own process; node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)}\n`,
    );
    console.log(
      "| reader | seconds | CPU s | MB/s | results/s | peak RSS (MB) | MB/s of each run |\n|---|---|---|---|---|---|---|",
    );
    console.log(row("saxes tokenizer (no-op handlers)", tokenizer, runs.tokenizer));
    console.log(row("streamTestcases (JUnit, no fold), batches consumed and dropped", parser, runs.stream));
    console.log(
      row("streamTestcases + streamedRows (fold by id, ids, rows): the server's parse stage", withRows, runs.rows),
    );
    console.log(
      row("parseReportStream (JUnit, parser-level fold), batches consumed and dropped", foldedParser, runs.folded),
    );
    console.log(row("parseReport (JUnit), every test kept", collector, runs.parser));
    const verdict = ratio >= TARGET_RATIO ? "meets" : "BELOW";
    console.log(
      `\nstreaming parser (no fold)/tokenizer throughput: ${(ratio * 100).toFixed(0)}% — ${verdict} the target of ≥ ${TARGET_RATIO * 100}%; by CPU seconds (median of each): ${(cpuRatio * 100).toFixed(0)}%`,
    );
    console.log(
      `NOT the whole cost: with streamedRows (the fold by id, sha256 ids and rows the server runs after the parser) ${share(runs.rows, withRows)} (throughput / CPU)`,
    );
    console.log(
      `parseReportStream (parser-level fold): ${share(runs.folded, foldedParser)}; parseReport: ${share(runs.parser, collector)}`,
    );

    const doubleMb = statSync(doublePath).size / 1e6;
    const doubled = measureAll(["tokenizer", "stream"], doublePath);
    const double = { sizeMb: doubleMb, tokenizer: median(doubled.tokenizer), parser: median(doubled.stream) };
    console.log(
      `\nTwice the testcases: ${doubleMb.toFixed(1)} MB, ${(TESTCASES * 2).toLocaleString("en")} testcases\n`,
    );
    console.log(
      "| reader | seconds | CPU s | MB/s | results/s | peak RSS (MB) | MB/s of each run |\n|---|---|---|---|---|---|---|",
    );
    console.log(row("saxes tokenizer (no-op handlers)", double.tokenizer, doubled.tokenizer));
    console.log(row("streamTestcases (JUnit, no fold)", double.parser, doubled.stream));
    console.log(
      `\npeak RSS, ${sizeMb.toFixed(0)} MB → ${doubleMb.toFixed(0)} MB report: streaming parser ${parser.peakRssMb.toFixed(0)} → ${double.parser.peakRssMb.toFixed(0)} MB, tokenizer ${tokenizer.peakRssMb.toFixed(0)} → ${double.tokenizer.peakRssMb.toFixed(0)} MB (parseReport ${collector.peakRssMb.toFixed(0)} MB on the smaller one)`,
    );
    return {
      sizeMb,
      testcases: TESTCASES,
      tokenizer,
      parser,
      rows: withRows,
      folded: foldedParser,
      collector,
      ratio,
      cpuRatio,
      double,
    };
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--measure") {
  await measure(process.argv[3] as Reader, process.argv[4]);
} else if (import.meta.filename === process.argv[1]) {
  const result = await runParseBench();
  if (result.ratio < TARGET_RATIO) process.exitCode = 1;
}
