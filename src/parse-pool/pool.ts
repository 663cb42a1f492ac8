// Parsing off the event loop: reports are parsed into rows by worker threads, so one upload's parse
// overlaps another's database writes (better-sqlite3 and PGlite run on the main thread) and a large
// report does not hold up every other request for the seconds it takes.
import type { Worker } from "node:worker_threads";
import { parseRows } from "../ingest/parse-rows.ts";
import type { DetectOptions } from "../ingest/sniff.ts";
import { ReportParseError } from "../ingest/errors.ts";
import type { ReportRows, ResultRow, TestRow } from "../model/ingest.ts";
import type { ParseLimits } from "../model/limits.ts";
import type { ParseAnswer, ParseTask } from "./protocol.ts";

/** Parses a report into the rows to store; throws ReportParseError for a report that cannot be read. */
export type ParseReportRows = (
  projectId: string,
  bytes: Uint8Array,
  options: DetectOptions,
  limits: ParseLimits,
) => Promise<ReportRows>;

/** A set of parse workers (or none: then parsing runs in the calling thread). */
export interface ParsePool {
  parse: ParseReportRows;
  /** Stops the workers; tasks still running fail. */
  close(): Promise<void>;
}

/** Parsing in the calling thread: what runs when no worker is configured or none can start. */
export function inlineParsePool(): ParsePool {
  return { parse: parseRows, close: async () => undefined };
}

interface Slot {
  worker: Worker | undefined;
  pending: Map<
    number,
    { resolve: (rows: ReportRows) => void; reject: (e: unknown) => void; tests: TestRow[]; results: ResultRow[] }
  >;
}

/**
 * `size` workers made by `spawn`; each task goes to the worker with the fewest tasks waiting. A worker that
 * dies (out of memory on a hostile report, a bug) fails only its own tasks and is replaced on next use.
 */
export function workerParsePool(size: number, spawn: () => Worker): ParsePool {
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: undefined, pending: new Map() }));
  let nextId = 0;
  const start = (slot: Slot): Worker => {
    const worker = spawn();
    worker.unref();
    const fail = (why: string) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      for (const task of slot.pending.values()) task.reject(new Error(`the parse worker stopped: ${why}`));
      slot.pending.clear();
    };
    worker.on("message", (answer: ParseAnswer) => {
      const task = slot.pending.get(answer.id);
      if (!task) return;
      if ("part" in answer) {
        // The rows come in parts, each decoded in a turn of its own (protocol.ts).
        for (const row of answer.part.tests) task.tests.push(row);
        for (const row of answer.part.results) task.results.push(row);
        return;
      }
      slot.pending.delete(answer.id);
      if ("rows" in answer) task.resolve({ ...answer.rows, tests: task.tests, results: task.results });
      else if ("refused" in answer) task.reject(new ReportParseError(answer.refused.code, answer.refused.message));
      else task.reject(new Error(answer.failed));
    });
    worker.on("error", (e) => fail(e.message));
    worker.on("exit", (code) => fail(`exit code ${code}`));
    return worker;
  };
  return {
    parse(projectId, bytes, options, limits) {
      const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
      let worker: Worker;
      try {
        worker = slot.worker ?? (slot.worker = start(slot));
      } catch {
        return parseRows(projectId, bytes, options, limits); // a runtime without worker threads: parse here
      }
      const id = nextId++;
      return new Promise<ReportRows>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject, tests: [], results: [] });
        const task: ParseTask = {
          id,
          projectId,
          bytes,
          options: { format: options.format, contentType: options.contentType },
          limits,
        };
        worker.postMessage(task);
      });
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker?.terminate()));
    },
  };
}
