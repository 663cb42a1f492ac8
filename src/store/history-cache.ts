// The newest stored reports of recently scored tests, kept in memory so that scoring them again after the
// next report reads nothing back: during a burst every round rescored each test from up to 500 reports
// read from the database, the largest cost of scoring (SQLite profile: 18 % of the main thread; the scorer
// itself took 3 %). Only correct where this process is the only writer of results, and where every write
// of results tells the cache (reports.ts) and every delete clears it (retention.ts): SQLite and PGlite.
import type { ResultRow } from "../model/ingest.ts";

/** What one test did in one report, folded over its attempts (as the history read folds them in SQL). */
export interface TestInReport {
  reportId: string;
  anyPass: boolean;
  anyFail: boolean;
  /** The status of the attempt marked final. */
  finalStatus: string | null;
  attempts: number;
  /** The smallest fingerprint of its attempts. */
  fingerprint: string | null;
}

interface Entry {
  /** How many of the newest reports were read; the entry holds them all (fewer if the test has fewer). */
  limit: number;
  /** Oldest first, by report id (time-ordered). */
  rows: TestInReport[];
}

/** Share of `maxRows` a full cache is cut back to, least recently used tests first. */
const EVICT_TO = 0.9;

/** Per-test newest reports, least recently used first out past `maxRows` rows in all. */
export class HistoryCache {
  readonly #tests = new Map<string, Entry>();
  #rows = 0;
  #writes = 0;
  /** Rows held at most (~60 bytes each). */
  readonly maxRows: number;

  /** A cache of at most `maxRows` rows. */
  constructor(maxRows: number) {
    this.maxRows = maxRows;
  }

  /** The newest `limit` rows of a test, oldest first, if it is held with at least that many read. */
  get(testId: string, limit: number): TestInReport[] | undefined {
    const entry = this.#tests.get(testId);
    if (!entry || entry.limit < limit) return undefined;
    this.#tests.delete(testId); // re-inserting makes it the most recently used
    this.#tests.set(testId, entry);
    // A copy: a report committed while the caller awaits other reads must not appear in it half-read.
    return entry.rows.slice(Math.max(0, entry.rows.length - limit));
  }

  /** Holds a test's newest `limit` rows as just read from committed data, oldest first. */
  put(testId: string, rows: TestInReport[], limit: number): void {
    this.#drop(testId);
    if (rows.length > this.maxRows) return;
    this.#tests.set(testId, { limit, rows });
    this.#rows += rows.length;
    if (this.#rows <= this.maxRows) return;
    // Down to 90 % in one pass, not one test per put: a Map iterates from its start over the holes its
    // deletions left, so dropping the oldest test on every put of a full cache cost a walk past up to half a
    // million holes each time (a million-test rescore through a cache of 250,000 rows: 2.4× the CPU).
    const target = Math.floor(this.maxRows * EVICT_TO);
    for (const [id] of this.#tests) {
      if (this.#rows <= target) break;
      this.#drop(id);
    }
  }

  /**
   * Counts the commits told to the cache. A read that spans one may or may not hold that commit's results
   * (PGlite's reads wait for a transaction, so either is possible) and is not put.
   */
  get writes(): number {
    return this.#writes;
  }

  /** Adds a committed report's results to the tests held (the others are read when next scored). */
  add(reportId: string, results: readonly ResultRow[]): void {
    this.#writes++;
    if (this.#tests.size === 0) return;
    for (const [testId, row] of foldByTest(reportId, results)) {
      const entry = this.#tests.get(testId);
      if (!entry) continue;
      const before = entry.rows.length;
      insertInOrder(entry.rows, row);
      if (entry.rows.length > entry.limit) entry.rows.shift();
      this.#rows += entry.rows.length - before;
    }
  }

  /** Forgets everything: results were deleted. */
  clear(): void {
    this.#writes++;
    this.#tests.clear();
    this.#rows = 0;
  }

  /** Rows held in all. */
  get size(): number {
    return this.#rows;
  }

  #drop(testId: string): void {
    const entry = this.#tests.get(testId);
    if (!entry) return;
    this.#rows -= entry.rows.length;
    this.#tests.delete(testId);
  }
}

/** A report's results folded per test: the same fold as the history read's SQL (history.ts). */
export function foldByTest(reportId: string, results: readonly ResultRow[]): Map<string, TestInReport> {
  const out = new Map<string, TestInReport>();
  for (const r of results) {
    let row = out.get(r.testId);
    if (!row)
      out.set(
        r.testId,
        (row = { reportId, anyPass: false, anyFail: false, finalStatus: null, attempts: 0, fingerprint: null }),
      );
    row.attempts++;
    if (r.status === "passed") row.anyPass = true;
    if (r.status === "failed" || r.status === "error") row.anyFail = true;
    if (r.final && (row.finalStatus === null || r.status > row.finalStatus)) row.finalStatus = r.status;
    if (r.fingerprint !== null && (row.fingerprint === null || r.fingerprint < row.fingerprint))
      row.fingerprint = r.fingerprint;
  }
  return out;
}

// Reports mostly arrive newest last, so the place is looked for from the end; the same report added twice
// (read back by a rescore between its commit and the add) replaces itself.
function insertInOrder(rows: TestInReport[], row: TestInReport): void {
  let i = rows.length;
  while (i > 0 && rows[i - 1].reportId > row.reportId) i--;
  if (i > 0 && rows[i - 1].reportId === row.reportId) rows[i - 1] = row;
  else rows.splice(i, 0, row);
}
