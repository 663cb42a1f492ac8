/** Messages between the SQLite connection's owner and its background checkpoint worker. */

/** What the worker is started with. */
export interface CheckpointWorkerData {
  /** The database file. */
  path: string;
  /** Inside the executable: the embedded better-sqlite3 addon, written out to this file (see runtime/native.ts). */
  addonFile?: string;
  /** At most one checkpoint per this many milliseconds: each one that copies pages syncs the disk twice. */
  minIntervalMs: number;
  /** A checkpoint this often even without news, for writes that did not go through the transaction helper. */
  idleIntervalMs: number;
}

/** Owner → worker: new commits are in the write-ahead log; or stop. */
export type CheckpointRequest = "written" | "close";

/** Worker → owner after each checkpoint: the log's frames and how many of them are now in the database file. */
export type CheckpointAnswer =
  { kind: "checkpointed"; busy: number; log: number; checkpointed: number } | { kind: "failed"; message: string };
