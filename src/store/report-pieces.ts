// Cutting a wide report into pieces that are stored one commit each (reports.ts, completeInPieces).
import { sortInSlices } from "../lib/sort-in-slices.ts";
import { yielder } from "../lib/yield.ts";
import type { ReportRows, ResultRow, TestRow } from "../model/ingest.ts";

/**
 * Results past which a queued report is stored in pieces of about this many, each its own commit: short
 * enough that another project's report waits for one piece (~0.2 s on SQLite), not for the whole report.
 */
export const PIECE_RESULTS = 20_000;

/** Some of a report's tests with every one of their results. */
export interface ReportPiece {
  tests: TestRow[];
  results: ResultRow[];
}

/**
 * A report's tests and results in pieces of about `size` results, cut between tests: all attempts of a test
 * go in the same piece, because the history cache folds a test's attempts in one report into one row when
 * a piece commits (history-cache.ts `add`). A test with more than `size` results makes a piece of its own.
 * Pieces go in test id order, so each covers one stretch of the test-keyed indexes (tests, the results'
 * history index): cut in report order, each piece of a 1,000,000-test report dirtied pages all over them,
 * and its COMMIT wrote tens of MB to the log, one event-loop turn of up to 0.7 s under load. Grouping and
 * sorting a million results are loops on the event loop: they give it turns (lib/yield.ts).
 */
export async function* testPieces(rows: ReportRows, size: number): AsyncGenerator<ReportPiece> {
  const maybeYield = yielder();
  const resultsOf = new Map<string, ResultRow[]>();
  for (let i = 0; i < rows.results.length; i++) {
    if (i % 4096 === 0) await maybeYield();
    const r = rows.results[i];
    const list = resultsOf.get(r.testId);
    if (list) list.push(r);
    else resultsOf.set(r.testId, [r]);
  }
  let piece: ReportPiece = { tests: [], results: [] };
  const ordered = await sortInSlices(rows.tests, (t) => t.id, maybeYield);
  for (let i = 0; i < ordered.length; i++) {
    if (i % 4096 === 0) await maybeYield();
    const test = ordered[i];
    const results = resultsOf.get(test.id) ?? [];
    resultsOf.delete(test.id); // taken once, even if a test were listed twice
    if (piece.results.length > 0 && piece.results.length + results.length > size) {
      yield piece;
      piece = { tests: [], results: [] };
    }
    piece.tests.push(test);
    for (const r of results) piece.results.push(r);
  }
  // Results of a test the report does not list (none expected) still go somewhere: the last piece.
  for (const results of resultsOf.values()) for (const r of results) piece.results.push(r);
  if (piece.tests.length > 0 || piece.results.length > 0) yield piece;
}
