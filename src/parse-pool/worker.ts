// The parse worker's entry: runs `parseRows` on what the pool sends and answers with the rows or the
// parse error's code and message (an Error does not survive postMessage with its class).
import { parentPort } from "node:worker_threads";
import { parseRows } from "../ingest/parse-rows.ts";
import { ReportParseError } from "../ingest/errors.ts";
import type { ParseTask, ParseAnswer } from "./protocol.ts";

parentPort?.on("message", async (task: ParseTask) => {
  let answer: ParseAnswer;
  try {
    answer = { id: task.id, rows: await parseRows(task.projectId, task.bytes, task.options, task.limits) };
  } catch (e) {
    answer =
      e instanceof ReportParseError
        ? { id: task.id, refused: { code: e.code, message: e.message } }
        : { id: task.id, failed: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
