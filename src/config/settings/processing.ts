/** How reports are parsed, stored and scored: commits, parse workers, the queue and rescoring. */
import type { SettingRows } from "./types.ts";

/** How reports are parsed, stored and scored: rows of SETTINGS, in the order `flakeguard config` prints them. */
export const PROCESSING_SETTINGS = {
  groupCommitMs: {
    type: "integer",
    default: 20,
    min: 0,
    max: 1000,
    doc: "SQLite and PGlite: uploads stored within this many ms of each other share one commit, each answered after it (0: a commit per upload; PostgreSQL always commits per upload)",
  },
  parseWorkers: {
    type: "integer",
    default: 1,
    min: 0,
    max: 64,
    doc: "worker threads that parse reports, so parsing overlaps database writes and never blocks other requests (0: parse on the main thread)",
  },
  parseWorkerHeapMb: {
    type: "integer",
    default: 1024,
    min: 64,
    max: 65_536,
    doc: "heap limit of each parse worker (MB): a report needing more fails its upload, never the server",
  },
  inlineConcurrency: {
    type: "integer",
    default: 1,
    min: 0,
    max: 1000,
    doc: "uploads processed in their request at once (201 with counts); while that many are, further uploads are stored raw, answered 202 and processed by the queue in batches (0: always queue)",
  },
  reportBatch: {
    type: "integer",
    default: 64,
    min: 1,
    max: 1000,
    doc: "queued reports the worker claims at once: stored in transactions of up to 50,000 results while the next parse, then scored together",
  },
  workerConcurrency: {
    type: "integer",
    default: 0,
    min: 0,
    max: 64,
    doc: "jobs one process runs at once, besides a spare loop for idle projects' jobs; 0: 1 on SQLite and PGlite (one loop stores bigger batches), 2 on PostgreSQL",
  },
  scoreOnIngest: {
    type: "boolean",
    default: true,
    doc: "score the tests of each report as it arrives (false: only the scheduled rescore)",
  },
  clusters: {
    type: "boolean",
    default: true,
    doc: "find clusters of flaky tests that fail together after each rescore job (docs/detection.md)",
  },
  rescoreSchedule: {
    type: "string",
    default: "17 * * * *",
    doc: "cron schedule of the rescore of each project's flaky and quarantined tests (every test with scoreOnIngest off; croner syntax)",
  },
} satisfies SettingRows;
