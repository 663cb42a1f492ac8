// The receive stage: each file of an upload refused if empty, its format sniffed, its content hashed for
// idempotency and gzipped for the raw copy; then whether the upload is processed in the request or queued.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { ReportParseError } from "../ingest/errors.ts";
import { dedupeKey } from "../ingest/identity.ts";
import { SNIFF_BYTES, detectFormat } from "../ingest/sniff.ts";
import { AppError } from "../lib/errors.ts";
import type { ReportMeta } from "../model/ingest.ts";
import type { Project } from "../model/project.ts";
import type { ReportFormat } from "../model/report.ts";
import type { NewReport } from "../store/reports.ts";
import type { PipelineDeps, Received, Upload } from "./types.ts";

const gzipAsync = promisify(gzip);

/**
 * Files of one upload gzipped at once. Each gzip holds a zlib stream (~300 KB of native memory) until it
 * ends: all at once, a multipart of 20,000 tiny parts held 4.5 GB (issue 23); a few at a time keep the
 * memory of an upload proportional to its bytes and still use the thread pool.
 */
const GZIP_AT_ONCE = 4;

/** Every file of an upload made ready to store, in order; throws the 4xx AppError of the first refused file. */
export async function receiveFiles(
  project: Project,
  files: Upload[],
  meta: Omit<ReportMeta, "filename">,
  format?: ReportFormat,
): Promise<Received[]> {
  const received: Received[] = new Array(files.length);
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      received[i] = await receiveFile(project, files[i], meta, format);
    }
  };
  await Promise.all(Array.from({ length: Math.min(GZIP_AT_ONCE, files.length) }, lane));
  return received;
}

/**
 * Whether an upload goes to the queue. Under a burst — another upload in process, or reports already queued
 * (`backlog`) — answering once the raw report is durable and storing results in batches keeps up where a
 * commit per upload cannot: each commit rewrites the index pages of every test it touched. Queued reports
 * also keep their upload order. Large uploads go there too, not to hold a request for their parse, and
 * uploads of many files (INLINE_MAX_FILES).
 */
export function goesToQueue(deps: PipelineDeps, received: Received[], inlineNow: number, backlog: number): boolean {
  const total = received.reduce((n, r) => n + r.file.bytes.byteLength, 0);
  return (
    total > deps.inlineMaxBytes ||
    received.length > INLINE_MAX_FILES ||
    inlineNow >= deps.inlineConcurrency ||
    backlog > 0
  );
}

/**
 * Files one upload may have and still be processed in its request. Each file is a report with its own
 * rows and findings, stored in the request's one transaction: 1,000 tiny files held the event loop (and
 * /livez) for 5.5 s that way (issue 23); queued, the worker stores them in batches, yielding between.
 */
export const INLINE_MAX_FILES = 16;

async function receiveFile(
  project: Project,
  f: Upload,
  meta: Omit<ReportMeta, "filename">,
  explicit?: ReportFormat,
): Promise<Received> {
  const label = fileLabel(f);
  if (f.bytes.byteLength === 0) throw new AppError(400, "empty", `${label} is empty`);
  let format: ReportFormat;
  try {
    format = detectFormat(f.bytes.subarray(0, SNIFF_BYTES), { format: explicit, contentType: f.contentType });
  } catch (e) {
    throw refusal(e, label);
  }
  const contentHash = await sha256Hex(f.bytes);
  const fullMeta: ReportMeta = { ...meta, filename: f.filename };
  const report: NewReport = {
    ...fullMeta,
    projectId: project.id,
    dedupeKey: dedupeKey(contentHash, fullMeta),
    contentHash,
    format,
    rawSize: f.bytes.byteLength,
    raw: new Uint8Array(await gzipAsync(f.bytes, { level: 1 })),
  };
  return { file: f, format, report };
}

/** Bytes hashed between turns of the event loop: a 99 MiB report hashed at once held /livez for ~0.3 s. */
const HASH_SLICE = 4 * 1024 * 1024;

/** The SHA-256 of `bytes` in hex, a slice at a time so other requests are answered meanwhile. */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hash = createHash("sha256");
  for (let at = 0; at < bytes.byteLength; at += HASH_SLICE) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    hash.update(bytes.subarray(at, at + HASH_SLICE));
  }
  return hash.digest("hex");
}

/** How an answer names a file of the upload. */
export function fileLabel(f: Upload): string {
  return f.filename ? `file '${f.filename}'` : "the report";
}

/** A parser's refusal as the HTTP answer (its status and code, the file named); any other error as it is. */
export function refusal(e: unknown, label: string): unknown {
  if (!(e instanceof ReportParseError)) return e;
  return new AppError(e.status, e.code, `${label} was refused: ${e.message}`);
}
