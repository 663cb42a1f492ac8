import type { ReportRows } from "../model/ingest.ts";
import type { ReportFailureSummary } from "../model/verdict.ts";
import type { FailureSighting } from "../store/failures.ts";

/** Which tests of a report failed (no attempt passed), which failed then passed, and the failures by fingerprint. */
export interface ReportOutcomes {
  summary: ReportFailureSummary;
  /** Tests with a failed or errored attempt and no passing one. */
  failing: Set<string>;
  /** Tests that failed and passed within the report (an in-run retry). */
  retried: Set<string>;
  sightings: FailureSighting[];
}

/** Folds a report's result rows into what detection needs: pure, one pass. */
export function reportOutcomes(rows: ReportRows): ReportOutcomes {
  const failed = new Map<string, { fingerprint: string | null; message: string | null; stack: string | null }>();
  for (const r of rows.results) {
    if ((r.status === "failed" || r.status === "error") && !failed.has(r.testId)) {
      failed.set(r.testId, { fingerprint: r.fingerprint, message: r.message, stack: r.stack });
    }
  }
  // Passes of failed tests only: a set of every passing test was a million entries for a wide report.
  const passed = new Set<string>();
  if (failed.size > 0)
    for (const r of rows.results) if (r.status === "passed" && failed.has(r.testId)) passed.add(r.testId);
  const byFingerprint: Record<string, number> = {};
  const samples = new Map<string, FailureSighting>();
  let failing = 0;
  for (const [testId, f] of failed) {
    if (passed.has(testId)) continue;
    failing++;
    if (!f.fingerprint) continue;
    byFingerprint[f.fingerprint] = (byFingerprint[f.fingerprint] ?? 0) + 1;
  }
  for (const f of failed.values()) {
    if (!f.fingerprint) continue;
    const s = samples.get(f.fingerprint);
    if (s) s.count++;
    else samples.set(f.fingerprint, { fingerprint: f.fingerprint, message: f.message, stack: f.stack, count: 1 });
  }
  return {
    summary: { total: rows.tests.length, failing, byFingerprint },
    failing: new Set([...failed.keys()].filter((id) => !passed.has(id))),
    retried: new Set([...failed.keys()].filter((id) => passed.has(id))),
    sightings: [...samples.values()],
  };
}
