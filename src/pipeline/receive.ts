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

/** Every file of an upload made ready to store; throws the 4xx AppError of the first refused file. */
export function receiveFiles(
  project: Project,
  files: Upload[],
  meta: Omit<ReportMeta, "filename">,
  format?: ReportFormat,
): Promise<Received[]> {
  return Promise.all(files.map((f) => receiveFile(project, f, meta, format)));
}

/**
 * Whether an upload goes to the queue. Under a burst — another upload in process, or reports already queued
 * (`backlog`) — answering once the raw report is durable and storing results in batches keeps up where a
 * commit per upload cannot: each commit rewrites the index pages of every test it touched. Queued reports
 * also keep their upload order. Large uploads go there too, not to hold a request for their parse.
 */
export function goesToQueue(deps: PipelineDeps, received: Received[], inlineNow: number, backlog: number): boolean {
  const total = received.reduce((n, r) => n + r.file.bytes.byteLength, 0);
  return total > deps.inlineMaxBytes || inlineNow >= deps.inlineConcurrency || backlog > 0;
}

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
  const contentHash = createHash("sha256").update(f.bytes).digest("hex");
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

/** How an answer names a file of the upload. */
export function fileLabel(f: Upload): string {
  return f.filename ? `file '${f.filename}'` : "the report";
}

/** A parser's refusal as the HTTP answer (its status and code, the file named); any other error as it is. */
export function refusal(e: unknown, label: string): unknown {
  if (!(e instanceof ReportParseError)) return e;
  return new AppError(e.status, e.code, `${label} was refused: ${e.message}`);
}
