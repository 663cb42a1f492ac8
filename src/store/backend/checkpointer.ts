/**
 * Background checkpoints for a better-sqlite3 database: a worker thread with its own connection copies
 * the write-ahead log into the database file, so the writer's COMMIT only appends to the log. In a profile
 * of 1 M results, checkpoints inside COMMIT were 3.3 s of the main thread (two disk syncs each).
 */
import { once } from "node:events";
import type { Worker } from "node:worker_threads";
import type { CheckpointAnswer, CheckpointRequest, CheckpointWorkerData } from "./checkpoint-protocol.ts";

export type { CheckpointWorkerData };

/** Starts the checkpoint worker thread (runtime/checkpoint-worker.ts knows where its code is). */
export type CheckpointWorkerSpawner = (data: CheckpointWorkerData) => Worker;

/**
 * The writer connection's own checkpoint threshold while the worker runs: only a safety net, for a worker
 * that died or cannot keep up (40,000 pages: 160 MB of log).
 */
export const SAFETY_AUTOCHECKPOINT_PAGES = 40_000;

/** The owner's side of the checkpoint worker. */
export class BackgroundCheckpoints {
  private readonly worker: Worker;
  private waiting: ((answer: CheckpointAnswer) => void)[] = [];
  private closed = false;

  constructor(spawn: CheckpointWorkerSpawner, data: CheckpointWorkerData, onError: (error: Error) => void) {
    this.worker = spawn(data);
    this.worker.unref();
    this.worker.on("message", (answer: CheckpointAnswer) => {
      if (answer.kind === "failed") onError(new Error(`background checkpoint failed: ${answer.message}`));
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve(answer);
    });
    // The writer's own checkpoints (the safety net) carry on without it.
    this.worker.on("error", (error) => onError(new Error(`background checkpoint worker stopped: ${error.message}`)));
  }

  /** Tells the worker a transaction committed. */
  written(): void {
    if (!this.closed) this.worker.postMessage("written" satisfies CheckpointRequest);
  }

  /** The next checkpoint's outcome (for tests and shutdown). */
  next(): Promise<CheckpointAnswer> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Stops the worker and waits for it to close its connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = once(this.worker, "exit");
    this.worker.postMessage("close" satisfies CheckpointRequest);
    const timeout = setTimeout(() => void this.worker.terminate(), 5_000);
    await exited.catch(() => undefined);
    clearTimeout(timeout);
  }
}
