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
import { yielder } from "../lib/yield.ts";
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
  if (isSqlite(orm)) {
    const raw = rawSqlite(orm);
    if (raw) return sqliteInsertRows(raw, SQLITE_HEAD, await byTest(reports));
    // node:sqlite under Deno: no raw connection to prepare on, so drizzle's builder, in report order.
    const rows = reports.flatMap(({ projectId, reportId, rows }) => rows.map((r) => ({ projectId, reportId, ...r })));
    for (let i = 0; i < rows.length; i += BATCH_ROWS)
      await orm.insert(schema.results).values(rows.slice(i, i + BATCH_ROWS));
    return;
  }
  const cells = reports.flatMap(cellsOf);
  if (cells.length === 0) return;
  const lite = rawPglite(orm);
  if (lite) {
    for (let i = 0; i < cells.length; i += PGLITE_COPY_ROWS)
      await pgliteCopyRows(lite, "results", COLUMNS, cells.slice(i, i + PGLITE_COPY_ROWS));
    return;
  }
  const client = rawPgClient(orm);
  if (client) {
    await pgCopyRows(client, "results", COLUMNS, cells);
    return;
  }
  // Outside a transaction (no one connection for a COPY stream): one statement per 5,000 rows.
  for (let i = 0; i < cells.length; i += PG_BATCH_ROWS) {
    const b = cells.slice(i, i + PG_BATCH_ROWS);
    const column = (index: number, type: Parameters<typeof pgArray>[1]) =>
      pgArray(b.map((row) => row[index]) as (string | number | boolean | null)[], type);
    await orm.execute(sql`insert into results (${sql.raw(COLUMNS)}) select * from unnest(
      ${column(0, "text")}, ${column(1, "text")}, ${column(2, "text")}, ${column(3, "int")}, ${column(4, "text")},
      ${column(5, "bool")}, ${column(6, "int")}, ${column(7, "text")}, ${column(8, "text")}, ${column(9, "text")},
      ${column(10, "text")})`);
  }
}

// One result's values in COLUMNS order.
function cellsOfRow(projectId: string, reportId: string, r: ResultRow): Cell[] {
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
}

// One report's rows in COLUMNS order.
function cellsOf({ projectId, reportId, rows }: ReportResults): Cell[][] {
  return rows.map((r) => cellsOfRow(projectId, reportId, r));
}

// Rows in COLUMNS order, grouped by test id, each group in report order; gives the event loop turns (lib/yield.ts).
async function byTest(reports: ReportResults[]): Promise<Cell[][]> {
  const maybeYield = yielder();
  const groups = new Map<string, Cell[][]>();
  for (const { projectId, reportId, rows } of reports) {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (i % 1024 === 0) await maybeYield();
      const row = cellsOfRow(projectId, reportId, r);
      const group = groups.get(r.testId);
      if (group) group.push(row);
      else groups.set(r.testId, [row]);
    }
  }
  if (groups.size === 0) return [];
  // Sorted by id as well: consecutive transactions then sweep the index in the same direction.
  const ids = [...groups.keys()].sort();
  const out: Cell[][] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i % 1024 === 0) await maybeYield();
    for (const row of groups.get(ids[i])!) out.push(row);
  }
  return out;
}
