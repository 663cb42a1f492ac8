// The analyze stage: what stored reports show, recorded (incidents, failure groups; act/findings.ts), and the
// tests worth scoring: those whose verdict the reports can change, and of them the ones an upload answered in
// its request scores before answering (those whose status it may change).
import { recordBatchFindings, testsToScore } from "../act/findings.ts";
import type { ScoringNeeds } from "../model/job.ts";
import type { PipelineDeps, StoredBatch } from "./types.ts";

/** What the analysis of stored reports leaves to the act stage. */
export interface Analysis {
  /** When the findings were recorded: the time their verdicts are saved at. */
  at: number;
  /** The tests to score now (reports answered in their request), if any. */
  scoreNow?: string[];
  /** What the rescore after the reports scores (all their tests, when unknown). */
  needs?: ScoringNeeds;
  /** Why the analysis failed, if it did: the reports are already committed, so their rescore runs anyway. */
  cause?: string;
}

/**
 * Records the findings of stored reports and chooses the tests to score now; undefined when nothing is scored
 * on ingest (`scoreOnIngest` off, or no report new). A failure is returned, not thrown: the reports are
 * committed, and it must not fail the upload.
 */
export async function analyzeStored(deps: PipelineDeps, batch: StoredBatch): Promise<Analysis | undefined> {
  if (!deps.scoreOnIngest || batch.reports.length === 0) return undefined;
  const { store, publish } = deps;
  const at = deps.clock();
  try {
    const seen = await recordBatchFindings(store, batch.project, batch.reports, at, publish);
    const chosen = await testsToScore(store, batch.project, batch.reports, seen, batch.rescoreJob !== undefined);
    return { at, scoreNow: chosen.now, needs: chosen.needs };
  } catch (e) {
    return { at, cause: (e as Error).message };
  }
}
