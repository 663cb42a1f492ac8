import type { DetectOptions } from "./sniff.ts";
import { streamTestcases } from "./registry.ts";
import type { ReportRows } from "../model/ingest.ts";
import type { ParseLimits } from "../model/limits.ts";
import type { ReportFormat } from "../model/report.ts";
import { streamedRows, type DrainedRows } from "./identity.ts";

/**
 * Results per piece of `parseRowsInPieces`: a piece is copied to the main thread and dropped by the worker, so
 * neither holds a second copy of a whole wide report (a 200,000-test report's rows sent at once made a worker
 * heap of 163 MB and a message of as much again, beside the main thread's copy).
 */
export const PIECE_RESULTS = 20_000;

/** Parses a report straight into the rows to store, batch by batch (no whole-report test objects in between). */
export async function parseRows(
  projectId: string,
  bytes: Uint8Array,
  options: DetectOptions,
  limits: ParseLimits,
): Promise<ReportRows> {
  const rows = streamedRows(projectId);
  // Unfolded: the rows stage folds repeated testcases by the test id it computes anyway.
  const summary = await streamTestcases(bytes, options, limits, (batch) => rows.add(batch.tests));
  return rows.finish(summary.format);
}

/**
 * Parses a report into the rows to store, handing them to `onPiece` every PIECE_RESULTS results or so as they
 * are read (see `streamedRows().drain` and `appendDrained`); returns the format and counts once it is read.
 */
export async function parseRowsInPieces(
  projectId: string,
  bytes: Uint8Array,
  options: DetectOptions,
  limits: ParseLimits,
  onPiece: (piece: DrainedRows) => void,
): Promise<{ format: ReportFormat; counts: Record<string, number> }> {
  const rows = streamedRows(projectId);
  const summary = await streamTestcases(bytes, options, limits, (batch) => {
    rows.add(batch.tests);
    if (rows.pending >= PIECE_RESULTS) onPiece(rows.drain());
  });
  onPiece(rows.drain());
  return { format: summary.format, counts: rows.counts() };
}
