// The parse stage: reports into rows (test ids, results, fingerprints; ingest/parse-rows.ts), in the parse
// pool's worker threads. An upload processed in its request is parsed file by file; queued reports are read
// back and parsed a few ahead of the one being stored.
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { ReportParseError } from "../ingest/errors.ts";
import type { KeptBytes } from "../lib/kept-bytes.ts";
import type { ReportRows } from "../model/ingest.ts";
import type { ReportFormat } from "../model/report.ts";
import { fileLabel, refusal } from "./receive.ts";
import type { ParsedQueued, PipelineDeps, Received } from "./types.ts";

const gunzipAsync = promisify(gunzip);

/**
 * Results held in memory before a batch is stored. It bounds a batch of a few very large reports, and splits
 * a large batch so the parse worker reads the next reports while the main thread writes these.
 */
const BATCH_MAX_RESULTS = 50_000;

/**
 * Reports of a batch being read and parsed before the one stored next. With one, the parse worker sat idle
 * while the main thread ran the other batch's transaction, and the main thread then waited for it (13 % of
 * its time in a profile of 1 M results on SQLite; 1 % with eight).
 */
const PARSE_AHEAD = 8;

/** The rows of each file of an upload, in order; throws the 4xx AppError of the first file the parser refuses. */
export async function parseUpload(deps: PipelineDeps, projectId: string, received: Received[]): Promise<ReportRows[]> {
  const rows: ReportRows[] = [];
  for (const { file, format } of received) {
    try {
      rows.push(await deps.parse(projectId, file.bytes, { format, contentType: file.contentType }, deps.limits));
    } catch (e) {
      throw refusal(e, fileLabel(file));
    }
  }
  return rows;
}

/**
 * Queued reports parsed, handed out in chunks of at most BATCH_MAX_RESULTS results (a report gone since is
 * left out). Reports are read and handed to the parse worker PARSE_AHEAD at a time, so it has work queued
 * while the main thread stores a chunk (better-sqlite3 and PGlite hold a transaction for a second or more).
 * `fresh` holds the bytes of reports this process just queued, so they need not be read and gunzipped back.
 */
export async function* parseQueued(
  deps: PipelineDeps,
  reportIds: string[],
  fresh: KeptBytes,
): AsyncGenerator<ParsedQueued[]> {
  const load = (reportId: string): Promise<ParsedQueued | undefined> =>
    loadQueued(deps, reportId, fresh.take(reportId)).then(
      (rows) => (rows ? { reportId, rows } : undefined),
      (error: unknown) =>
        error instanceof ReportParseError
          ? { reportId, refused: { code: error.code, message: error.message } }
          : { reportId, error },
    );
  const ahead = reportIds.slice(0, PARSE_AHEAD).map(load);
  let chunk: ParsedQueued[] = [];
  let held = 0;
  for (let i = 0; i < reportIds.length; i++) {
    const parsed = await ahead.shift()!;
    if (i + PARSE_AHEAD < reportIds.length) ahead.push(load(reportIds[i + PARSE_AHEAD]));
    if (parsed) chunk.push(parsed);
    if (parsed && "rows" in parsed) held += parsed.rows.results.length;
    if (held >= BATCH_MAX_RESULTS) {
      yield chunk;
      chunk = [];
      held = 0;
    }
  }
  yield chunk;
}

/** A queued report's rows: its raw bytes (still in memory, or read back and decompressed) parsed; undefined when it is gone. */
async function loadQueued(
  deps: PipelineDeps,
  reportId: string,
  kept: Uint8Array | undefined,
): Promise<ReportRows | undefined> {
  const stored = await deps.store.reports.getRaw(reportId, { bytes: kept === undefined });
  if (!stored) return undefined;
  // Its decompressed bytes wait for room in the budget shared with uploads (uploadMemoryBudget): eight
  // 99 MiB reports parsed ahead at once were 800 MB (issue 23). Taken in arrival order, so the report
  // stored next is never stuck behind one parsed ahead of it.
  const taken = await deps.budget.take(stored.rawSize);
  try {
    // A view, not `new Uint8Array(buffer)`, which would copy the whole report once more.
    const bytes = kept ?? asView(await gunzipAsync(stored.raw!));
    return await deps.parse(
      stored.projectId,
      bytes,
      // Read back here, the bytes are the parse's alone (kept ones may be asked for again on a retry).
      { format: (stored.format ?? undefined) as ReportFormat | undefined, handOver: kept === undefined },
      deps.limits,
    );
  } finally {
    deps.budget.give(taken);
  }
}

function asView(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
