// The parse pool against real worker threads: the rows match parsing in this thread, the parser's
// refusals keep their code and status, a dying worker fails only its own report, and a runtime that
// cannot start a worker parses inline.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { CORPUS } from "../../test/helpers/corpus.ts";
import { parseRows } from "../ingest/parse-rows.ts";
import { ReportParseError } from "../ingest/errors.ts";
import { DEFAULT_PARSE_LIMITS } from "../model/limits.ts";
import { parseWorkerSpawner } from "../runtime/parse-worker.ts";
import { workerParsePool, type ParsePool } from "./pool.ts";

const REPORT = readFileSync(join(CORPUS, "junit/retries/mixed_flaky_and_passed.xml"));

describe("parse pool", () => {
  let pool: ParsePool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it("gives the same rows in a worker thread as in this one, for reports parsed side by side", async () => {
    pool = workerParsePool(2, parseWorkerSpawner(256));
    const expected = await parseRows("p1", REPORT, {}, DEFAULT_PARSE_LIMITS);
    expect(expected.results.length).toBeGreaterThan(0);
    const got = await Promise.all([1, 2, 3].map(() => pool!.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS)));
    for (const rows of got) expect(rows).toEqual(expected);
  });

  it("gives the same rows, in order, for a report whose rows come back in several parts", async () => {
    pool = workerParsePool(1, parseWorkerSpawner(256));
    const cases = Array.from({ length: 25_003 }, (_, i) =>
      i % 997 === 0
        ? `<testcase classname="c${i % 13}" name="t${i}"><failure message="m${i}"/></testcase>`
        : `<testcase classname="c${i % 13}" name="t${i}"/>`,
    );
    const wide = new TextEncoder().encode(`<testsuite name="s">${cases.join("")}</testsuite>`);
    const expected = await parseRows("p1", wide, {}, DEFAULT_PARSE_LIMITS);
    expect(expected.results.length).toBe(25_003);
    expect(await pool.parse("p1", wide, {}, DEFAULT_PARSE_LIMITS)).toEqual(expected);
  });

  it("passes the parser's refusal on as a ReportParseError with its code and status", async () => {
    pool = workerParsePool(1, parseWorkerSpawner(256));
    const refusal = pool.parse(
      "p1",
      new TextEncoder().encode('<!DOCTYPE x [<!ENTITY a "b">]><testsuite/>'),
      {},
      DEFAULT_PARSE_LIMITS,
    );
    await expect(refusal).rejects.toBeInstanceOf(ReportParseError);
    await expect(refusal).rejects.toMatchObject({ code: "doctype_refused", status: 400 });
  });

  it("fails only the report of a worker that died, and starts a new worker for the next", async () => {
    let started = 0;
    pool = workerParsePool(1, () => {
      started++;
      // The first worker dies before answering, as one would when a report exhausts its heap.
      return started === 1 ? new Worker("process.exit(7)", { eval: true }) : parseWorkerSpawner(256)();
    });
    await expect(pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS)).rejects.toThrow(
      /parse worker stopped: exit code 7/,
    );
    const rows = await pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS);
    expect(rows.results.length).toBeGreaterThan(0);
    expect(started).toBe(2);
  });

  it("stops a worker once idle after a large report, and starts a new one for the next", async () => {
    let started = 0;
    const spawn = parseWorkerSpawner(256);
    pool = workerParsePool(
      1,
      () => {
        started++;
        return spawn();
      },
      REPORT.byteLength + 1,
    );
    await pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS);
    await pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS);
    expect(started).toBe(1); // small reports: the worker stays
    const large = Buffer.concat([REPORT, Buffer.from("\n")]);
    const rows = await pool.parse("p1", large, {}, DEFAULT_PARSE_LIMITS);
    expect(rows).toEqual(await parseRows("p1", REPORT, {}, DEFAULT_PARSE_LIMITS));
    await pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS);
    expect(started).toBe(2);
  });

  it("parses a small report in this thread while every worker is busy, a large one in a worker", async () => {
    let started = 0;
    const spawn = parseWorkerSpawner(256);
    pool = workerParsePool(
      1,
      () => {
        started++;
        // The first worker never answers, as one busy with a 1,000,000-testcase report for a long while.
        return started === 1 ? new Worker("setInterval(() => {}, 1000)", { eval: true }) : spawn();
      },
      8 * 1024 * 1024,
      REPORT.byteLength,
    );
    void pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS).catch(() => undefined); // fails once closed
    expect(await pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS)).toEqual(
      await parseRows("p1", REPORT, {}, DEFAULT_PARSE_LIMITS),
    );
    expect(started).toBe(1);
  });

  it("parses in this thread when no worker can be started", async () => {
    pool = workerParsePool(1, () => {
      throw new Error("no worker threads here");
    });
    expect(await pool.parse("p1", REPORT, {}, DEFAULT_PARSE_LIMITS)).toEqual(
      await parseRows("p1", REPORT, {}, DEFAULT_PARSE_LIMITS),
    );
  });
});
