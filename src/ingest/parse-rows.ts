import type { DetectOptions } from "./sniff.ts";
import { streamTestcases } from "./registry.ts";
import type { ReportRows } from "../model/ingest.ts";
import type { ParseLimits } from "../model/limits.ts";
import { streamedRows } from "./identity.ts";

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
