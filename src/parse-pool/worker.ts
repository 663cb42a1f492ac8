// The parse worker's entry: runs `parseRowsInPieces` on what the pool sends and answers with the rows, piece
// by piece as they are read, or the parse error's code and message (an Error does not survive postMessage
// with its class).
import { parentPort } from "node:worker_threads";
import { parseRowsInPieces } from "../ingest/parse-rows.ts";
import { ReportParseError } from "../ingest/errors.ts";
import type { DrainedRows } from "../ingest/identity.ts";
import type { ParseTask, ParseAnswer } from "./protocol.ts";

parentPort?.on("message", async (task: ParseTask) => {
  let answer: ParseAnswer;
  try {
    // In pieces: each is copied out and dropped here at once (see PIECE_RESULTS).
    const piece = (rows: DrainedRows) => parentPort!.postMessage({ id: task.id, piece: rows } satisfies ParseAnswer);
    answer = {
      id: task.id,
      done: await parseRowsInPieces(task.projectId, task.bytes, task.options, task.limits, piece),
    };
  } catch (e) {
    answer =
      e instanceof ReportParseError
        ? { id: task.id, refused: { code: e.code, message: e.message } }
        : { id: task.id, failed: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
