/** What one request may send and how long it may take, and how long a shutdown waits for them. */
import type { SettingRows } from "./types.ts";

/** What one request may send and how long it may take, and how long a shutdown waits for them: rows of SETTINGS, in the order `flakeguard config` prints them. */
export const REQUEST_SETTINGS = {
  maxUploadBytes: {
    type: "bytes",
    default: 100 * 1024 * 1024,
    min: 1024,
    doc: "largest report accepted, after decompression",
  },
  uploadMemoryBudget: {
    type: "bytes",
    default: 128 * 1024 * 1024,
    min: 1024 * 1024,
    doc: "decompressed report bytes held at once by all uploads and GitHub artifact ingests (at least maxUploadBytes); past it uploads get 503 with Retry-After and artifact entries wait",
  },
  uploadConcurrency: {
    type: "integer",
    default: 256,
    min: 1,
    max: 10_000,
    doc: "uploads being received and stored at once; more wait their turn in memory (up to 45 s, then 429 with Retry-After) instead of on the database pool",
  },
  maxUploadParts: {
    type: "integer",
    default: 1000,
    min: 1,
    max: 100_000,
    doc: "most parts in one multipart upload (each file a report); more is refused (413) before any is read",
  },
  maxTestcases: {
    type: "integer",
    default: 1_000_000,
    min: 1,
    doc: "most test executions (retries included) in one report; more is refused (413)",
  },
  inlineMaxBytes: {
    type: "bytes",
    default: 8 * 1024 * 1024,
    min: 0,
    doc: "reports up to this size are processed in the request (201); larger ones by the job queue (202)",
  },
  shutdownGraceMs: {
    type: "integer",
    default: 10_000,
    min: 0,
    max: 600_000,
    doc: "how long in-flight requests may finish after SIGTERM (ms)",
  },
  headersTimeoutMs: {
    type: "integer",
    default: 20_000,
    min: 100,
    max: 600_000,
    doc: "a client must send its request headers within this long, or gets 408 (slowloris; ms)",
  },
  requestTimeoutMs: {
    type: "integer",
    default: 300_000,
    min: 100,
    max: 3_600_000,
    doc: "a client must send its whole request, body included, within this long, or gets 408 (ms)",
  },
} satisfies SettingRows;
