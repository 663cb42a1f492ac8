// Parsing off the event loop: reports are parsed into rows by worker threads, so one upload's parse
// overlaps another's database writes (better-sqlite3 and PGlite run on the main thread) and a large
// report does not hold up every other request for the seconds it takes.
import type { Worker } from "node:worker_threads";
import { appendDrained } from "../ingest/identity.ts";
import { parseRows } from "../ingest/parse-rows.ts";
import type { DetectOptions } from "../ingest/sniff.ts";
import { ReportParseError } from "../ingest/errors.ts";
import type { ReportRows } from "../model/ingest.ts";
import type { ParseLimits } from "../model/limits.ts";
import type { ParseAnswer, ParseTask } from "./protocol.ts";

/** Parses a report into the rows to store; throws ReportParseError for a report that cannot be read. */
export type ParseReportRows = (
  projectId: string,
  bytes: Uint8Array,
  options: DetectOptions & {
    /** The caller is done with `bytes`: moved to the worker, not copied (a 99 MiB report held once, not twice). */
    handOver?: boolean;
  },
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
  pending: Map<number, { rows: ReportRows; resolve: (rows: ReportRows) => void; reject: (e: unknown) => void }>;
  /** Whether the worker has parsed a large report since it started: it is stopped once idle. */
  large: boolean;
}

/**
 * Input size past which a worker is stopped once idle (and started again on next use). An idle worker never
 * collects its garbage: after a 45 MB report of 200,000 tests it held a 163 MB heap, which RSS kept (the
 * server's stayed ~200 MB higher until the next parse); a start costs tens of milliseconds.
 */
const RECYCLE_BYTES = 8 * 1024 * 1024;

/**
 * Input size up to which a report is parsed in this thread when every worker is busy: a 3-test report of one
 * project waited 20 s behind another's 1,000,000-testcase report in the only worker (bench:ingest --stall),
 * while parsing it here takes well under a millisecond (64 KB of XML: a few ms).
 */
const INLINE_WHEN_BUSY_BYTES = 64 * 1024;

/**
 * `size` workers made by `spawn`; each task goes to the worker with the fewest tasks waiting. A worker that
 * dies (out of memory on a hostile report, a bug) fails only its own tasks and is replaced on next use; one
 * that parsed a report of `recycleBytes` or more is stopped once idle, and replaced likewise. A report of at
 * most `inlineBytes` is parsed in this thread instead when every worker has tasks.
 */
export function workerParsePool(
  size: number,
  spawn: () => Worker,
  recycleBytes = RECYCLE_BYTES,
  inlineBytes = INLINE_WHEN_BUSY_BYTES,
): ParsePool {
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: undefined, pending: new Map(), large: false }));
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
      if ("piece" in answer) return appendDrained(task.rows, answer.piece);
      slot.pending.delete(answer.id);
      if ("done" in answer) task.resolve({ ...task.rows, ...answer.done });
      else if ("refused" in answer) task.reject(new ReportParseError(answer.refused.code, answer.refused.message));
      else task.reject(new Error(answer.failed));
      if (slot.large && slot.pending.size === 0 && slot.worker === worker) {
        slot.worker = undefined;
        slot.large = false;
        void worker.terminate();
      }
    });
    worker.on("error", (e) => fail(e.message));
    worker.on("exit", (code) => fail(`exit code ${code}`));
    return worker;
  };
  return {
    parse(projectId, bytes, options, limits) {
      const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
      if (slot.pending.size > 0 && bytes.byteLength <= inlineBytes) return parseRows(projectId, bytes, options, limits);
      let worker: Worker;
      try {
        worker = slot.worker ?? (slot.worker = start(slot));
      } catch {
        return parseRows(projectId, bytes, options, limits); // a runtime without worker threads: parse here
      }
      const id = nextId++;
      if (bytes.byteLength >= recycleBytes) slot.large = true;
      return new Promise<ReportRows>((resolve, reject) => {
        // Filled piece by piece; the format is the worker's last word.
        const rows: ReportRows = { format: "junit", tests: [], results: [], counts: {} };
        slot.pending.set(id, { rows, resolve, reject });
        const task: ParseTask = {
          id,
          projectId,
          bytes,
          options: { format: options.format, contentType: options.contentType },
          limits,
        };
        // Only a buffer the bytes have to themselves can move; a view into a shared one is copied.
        const movable = options.handOver && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        worker.postMessage(task, movable ? [bytes.buffer as ArrayBuffer] : []);
      });
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker?.terminate()));
    },
  };
}
