// The parse worker's entry: runs `parseRows` on what the pool sends and answers with the rows or the
// parse error's code and message (an Error does not survive postMessage with its class).
import { parentPort } from "node:worker_threads";
import { parseRows } from "../ingest/parse-rows.ts";
import { ReportParseError } from "../ingest/errors.ts";
import type { ParseTask, ParseAnswer } from "./protocol.ts";

/** Rows per part message: decoding one takes the main thread a few milliseconds. */
const PART_ROWS = 10_000;

parentPort?.on("message", async (task: ParseTask) => {
  let answer: ParseAnswer;
  try {
    const rows = await parseRows(task.projectId, task.bytes, task.options, task.limits);
    const { tests, results } = rows;
    for (let i = 0; i < Math.max(tests.length, results.length); i += PART_ROWS) {
      const part = { tests: tests.slice(i, i + PART_ROWS), results: results.slice(i, i + PART_ROWS) };
      parentPort!.postMessage({ id: task.id, part } satisfies ParseAnswer);
    }
    answer = { id: task.id, rows: { ...rows, tests: [], results: [] } };
  } catch (e) {
    answer =
      e instanceof ReportParseError
        ? { id: task.id, refused: { code: e.code, message: e.message } }
        : { id: task.id, failed: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
