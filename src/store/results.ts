import { sql } from "drizzle-orm";
import type { ResultRow } from "../model/ingest.ts";
import {
  isSqlite,
  PG_BATCH_ROWS,
  pgArray,
  pgCopyRows,
  pgliteCopyRows,
  rawPgClient,
  rawPglite,
  rawSqlite,
  sqliteInsertRows,
  type Cell,
} from "./backend/bulk.ts";
import type { Orm, Schema } from "./backend/db.ts";
import { BATCH_ROWS } from "./tests.ts";

const COLUMNS =
  "project_id, report_id, test_id, attempt, status, final, duration_ms, message, stack, fingerprint, output";
const SQLITE_HEAD = `insert into results (${COLUMNS})`;
// One COPY's text at most this many rows: bounds the copy of it inside PGlite's memory.
const PGLITE_COPY_ROWS = 50_000;

/** One report's results, to be written in the caller's transaction. */
export interface ReportResults {
  projectId: string;
  reportId: string;
  rows: ResultRow[];
}

/**
 * Inserts the results of one transaction's reports, in the caller's transaction. On better-sqlite3 grouped by
 * test: every report holds the same tests in its own order, and the history index is keyed by test, so
 * rows in report order land on index pages all over it while rows grouped by test fill each test's pages
 * in turn (50,000 results 2× faster). A test's rows keep their report order and attempt order. PGlite and
 * PostgreSQL take them in report order: grouped, PGlite was no faster (13.4–13.7k results/s against
 * 13.8–14.7k in A/B runs), and the sort is time on its main thread.
 */
export async function insertResults(orm: Orm, schema: Schema, reports: ReportResults[]): Promise<void> {
  const all = flat(reports);
  if (isSqlite(orm)) {
    const raw = rawSqlite(orm);
    if (raw) {
      const order = byTest(all);
      return sqliteInsertRows(raw, SQLITE_HEAD, order.length, (i) => all.rowAt(order[i]));
    }
    // node:sqlite under Deno: no raw connection to prepare on, so drizzle's builder, in report order.
    const rows = reports.flatMap(({ projectId, reportId, rows }) => rows.map((r) => ({ projectId, reportId, ...r })));
    for (let i = 0; i < rows.length; i += BATCH_ROWS)
      await orm.insert(schema.results).values(rows.slice(i, i + BATCH_ROWS));
    return;
  }
  if (all.count === 0) return;
  const lite = rawPglite(orm);
  if (lite) {
    for (let i = 0; i < all.count; i += PGLITE_COPY_ROWS)
      await pgliteCopyRows(lite, "results", COLUMNS, i, Math.min(all.count, i + PGLITE_COPY_ROWS), all.rowAt);
    return;
  }
  const client = rawPgClient(orm);
  if (client) {
    await pgCopyRows(client, "results", COLUMNS, all.count, all.rowAt);
    return;
  }
  // Outside a transaction (no one connection for a COPY stream): one statement per 5,000 rows.
  for (let i = 0; i < all.count; i += PG_BATCH_ROWS) {
    const b: Cell[][] = [];
    for (let j = i; j < Math.min(all.count, i + PG_BATCH_ROWS); j++) b.push(all.rowAt(j));
    const column = (index: number, type: Parameters<typeof pgArray>[1]) =>
      pgArray(b.map((row) => row[index]) as (string | number | boolean | null)[], type);
    await orm.execute(sql`insert into results (${sql.raw(COLUMNS)}) select * from unnest(
      ${column(0, "text")}, ${column(1, "text")}, ${column(2, "text")}, ${column(3, "int")}, ${column(4, "text")},
      ${column(5, "bool")}, ${column(6, "int")}, ${column(7, "text")}, ${column(8, "text")}, ${column(9, "text")},
      ${column(10, "text")})`);
  }
}

/** The results of several reports as one sequence, each row's values made only when it is written. */
interface FlatResults {
  count: number;
  /** The result at a position. */
  row(i: number): ResultRow;
  /** The values of the result at a position, in COLUMNS order. */
  rowAt(i: number): Cell[];
}

// One sequence over the reports' rows: no copy of them, no value arrays made ahead (200,000 results held
// 11-value arrays for all at once, ~40 MB, before the first was written).
function flat(reports: ReportResults[]): FlatResults {
  const starts: number[] = [];
  let count = 0;
  for (const r of reports) {
    starts.push(count);
    count += r.rows.length;
  }
  const reportAt = (i: number): number => {
    let k = starts.length - 1;
    while (starts[k] > i) k--; // few reports per transaction: a scan back is enough
    return k;
  };
  const row = (i: number): ResultRow => {
    const k = reportAt(i);
    return reports[k].rows[i - starts[k]];
  };
  const rowAt = (i: number): Cell[] => {
    const k = reportAt(i);
    const { projectId, reportId, rows } = reports[k];
    const r = rows[i - starts[k]];
    return [
      projectId,
      reportId,
      r.testId,
      r.attempt,
      r.status,
      r.final,
      r.durationMs,
      r.message,
      r.stack,
      r.fingerprint,
      r.output,
    ];
  };
  return { count, row, rowAt };
}

// Positions grouped by test id, the groups sorted by id, each group in report order (the position breaks ties).
function byTest(all: FlatResults): number[] {
  const order: number[] = new Array(all.count);
  const ids: string[] = new Array(all.count);
  for (let i = 0; i < all.count; i++) {
    order[i] = i;
    ids[i] = all.row(i).testId;
  }
  // Sorted by id: consecutive transactions then sweep the index in the same direction.
  return order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : a - b));
}
