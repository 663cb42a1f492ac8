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
  // Both sorted by test id (results stably: a test's attempts keep their order), then walked side by side:
  // no map of a million tests to their results.
  const tests = await sortInSlices(rows.tests, (t) => t.id, maybeYield);
  const results = await sortInSlices(rows.results, (r) => r.testId, maybeYield);
  let piece: ReportPiece = { tests: [], results: [] };
  let next = 0; // the first result not in a piece yet
  for (let i = 0; i < tests.length; i++) {
    if (i % 4096 === 0) await maybeYield();
    const test = tests[i];
    if (i > 0 && tests[i - 1].id === test.id) continue; // listed twice: stored once
    // This test's results, and those of a test the report does not list (none expected) sorted before it.
    let end = next;
    while (end < results.length && results[end].testId <= test.id) end++;
    if (piece.results.length > 0 && piece.results.length + (end - next) > size) {
      yield piece;
      piece = { tests: [], results: [] };
    }
    piece.tests.push(test);
    for (; next < end; next++) piece.results.push(results[next]);
  }
  for (; next < results.length; next++) piece.results.push(results[next]); // unlisted, sorted after every test
  if (piece.tests.length > 0 || piece.results.length > 0) yield piece;
}
