// `node test/bench/ingest-parse.ts`: how fast parseReport reads a big JUnit report, against the bare saxes
// tokenizer it is built on. Generates a ~58 MB report (200k testcases, 5% failing with stacks), then
// measures each reader 3 times, every run in its own child process (so peak RSS is its own): the median.
// INGEST_BENCH_REPORT=/path reuses (or creates and keeps) the report between invocations.
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SaxesParser } from "saxes";
import { parseReport } from "../../src/ingest/registry.ts";
import { DEFAULT_PARSE_LIMITS } from "../../src/model/limits.ts";

const TESTCASES = 200_000;
// Runs per reader (INGEST_PARSE_RUNS): more on a busy machine, where single runs move by ±30%.
const RUNS = Number(process.env.INGEST_PARSE_RUNS ?? 3);
/** parseReport must keep at least this share of the bare tokenizer's throughput. */
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
  parser: ReaderFigures;
  ratio: number;
  /** Median CPU seconds of the tokenizer over median CPU seconds of the parser. */
  cpuRatio: number;
}

const STACK = Array.from({ length: 30 }, (_, i) => `    at com.example.service.Handler${i}.call(Handler${i}.java:${100 + i})`).join("\n");

/** Writes the synthetic report: suites of 100 cases, every 20th failing with a ~2 KB stack. */
export async function generateReport(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n`);
  for (let index = 0; index < TESTCASES; index++) {
    if (index % 100 === 0) await write(`  <testsuite name="com.example.Suite${index / 100}" tests="100" time="12.5" timestamp="2024-01-01T00:00:00">\n`);
    const head = `    <testcase classname="com.example.service.HandlerTest${index % 997}" name="handles request number ${index} with a descriptive name" file="src/test/java/com/example/HandlerTest.java" time="0.${index % 1000}"`;
    if (index % 20 === 0) {
      await write(`${head}>\n      <failure message="expected &lt;200&gt; but was &lt;500&gt;" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: expected <200> but was <500>\n${STACK}]]></failure>\n      <system-out>request ${index} took 12 ms</system-out>\n    </testcase>\n`);
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
  const report = await parseReport(createReadStream(path) as AsyncIterable<Uint8Array>, { format: "auto" }, DEFAULT_PARSE_LIMITS);
  return report.counts.attempts;
}

/** Runs one reader once in this process and prints its figures as JSON (child-process mode). */
async function measure(reader: "tokenizer" | "parser", path: string): Promise<void> {
  const sizeMb = statSync(path).size / 1e6;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const results = await (reader === "tokenizer" ? tokenize(path) : parse(path));
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
function measureInChild(reader: "tokenizer" | "parser", path: string): ReaderFigures {
  const child = spawnSync(process.execPath, [import.meta.filename, "--measure", reader, path], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`${reader} run failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ReaderFigures;
}

// The run with the median time (its own RSS with it), so one lucky or unlucky run on a shared machine
// does not decide the figure.
function median(runs: ReaderFigures[]): ReaderFigures {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
}

const medianCpu = (runs: ReaderFigures[]): number => [...runs].map((r) => r.cpuSeconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)];

const row = (label: string, f: ReaderFigures, runs: ReaderFigures[]): string =>
  `| ${label} | ${f.seconds.toFixed(2)} | ${medianCpu(runs).toFixed(2)} | ${f.mbPerSecond.toFixed(1)} | ${Math.round(f.resultsPerSecond).toLocaleString("en")} | ${f.peakRssMb.toFixed(0)} | ${runs.map((r) => r.mbPerSecond.toFixed(0)).join(" / ")} |`;

/** Generates the report (or reuses INGEST_BENCH_REPORT), measures both readers, prints a table, returns the medians. */
export async function runParseBench(): Promise<ParseBenchResult> {
  const reused = process.env.INGEST_BENCH_REPORT;
  const folder = reused ? undefined : mkdtempSync(join(tmpdir(), "flakeguard-parse-bench-"));
  const path = reused ?? join(folder!, "junit-200k.xml");
  try {
    if (!reused || !existsSync(path)) await generateReport(path);
    const sizeMb = statSync(path).size / 1e6;
    const tokenizerRuns: ReaderFigures[] = [];
    const parserRuns: ReaderFigures[] = [];
    // Interleaved, so a burst of load from other work on the machine hits both readers alike.
    for (let run = 0; run < RUNS; run++) {
      tokenizerRuns.push(measureInChild("tokenizer", path));
      parserRuns.push(measureInChild("parser", path));
    }
    const tokenizer = median(tokenizerRuns);
    const parser = median(parserRuns);
    const ratio = parser.mbPerSecond / tokenizer.mbPerSecond;
    const cpuRatio = medianCpu(tokenizerRuns) / medianCpu(parserRuns);
    console.log(`JUnit report: ${sizeMb.toFixed(1)} MB, ${TESTCASES.toLocaleString("en")} testcases; median of ${RUNS} runs, each in its own process; node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)}\n`);
    console.log("| reader | seconds | CPU s | MB/s | results/s | peak RSS (MB) | MB/s of each run |\n|---|---|---|---|---|---|---|");
    console.log(row("saxes tokenizer (no-op handlers)", tokenizer, tokenizerRuns));
    console.log(row("parseReport (JUnit)", parser, parserRuns));
    const verdict = ratio >= TARGET_RATIO ? "meets" : "BELOW";
    console.log(`\nparser/tokenizer throughput: ${(ratio * 100).toFixed(0)}% — ${verdict} the target of ≥ ${TARGET_RATIO * 100}%`);
    console.log(`by CPU seconds (median of each): ${(cpuRatio * 100).toFixed(0)}%`);
    console.log(`peak RSS: parser ${parser.peakRssMb.toFixed(0)} MB vs tokenizer ${tokenizer.peakRssMb.toFixed(0)} MB`);
    return { sizeMb, testcases: TESTCASES, tokenizer, parser, ratio, cpuRatio };
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--measure") {
  await measure(process.argv[3] as "tokenizer" | "parser", process.argv[4]);
} else if (import.meta.filename === process.argv[1]) {
  const result = await runParseBench();
  if (result.ratio < TARGET_RATIO) process.exitCode = 1;
}
