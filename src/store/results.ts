import { sql } from "drizzle-orm";
import type { ResultRow } from "../model/ingest.ts";
import { isSqlite, PG_BATCH_ROWS, pgArray, pgliteCopyRows, rawPglite, rawSqlite, sqliteInsertRows } from "./bulk.ts";
import type { Orm, Schema } from "./db.ts";
import { BATCH_ROWS } from "./tests.ts";

const COLUMNS = "project_id, report_id, test_id, attempt, status, final, duration_ms, message, stack, fingerprint, output";
const SQLITE_HEAD = `insert into results (${COLUMNS})`;

/** Inserts a report's results in batches, in the caller's transaction. */
export async function insertResults(
  orm: Orm,
  schema: Schema,
  ids: { projectId: string; reportId: string },
  rows: ResultRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const cells = () => rows.map((r) => [ids.projectId, ids.reportId, r.testId, r.attempt, r.status, r.final, r.durationMs, r.message, r.stack, r.fingerprint, r.output]);
  if (isSqlite(orm)) {
    const raw = rawSqlite(orm);
    if (raw) {
      sqliteInsertRows(raw, SQLITE_HEAD, cells());
      return;
    }
    // node:sqlite under Deno: no raw connection to prepare on, so drizzle's builder.
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      await orm.insert(schema.results).values(rows.slice(i, i + BATCH_ROWS).map((r) => ({ ...ids, ...r })));
    }
    return;
  }
  const lite = rawPglite(orm);
  if (lite) {
    await pgliteCopyRows(lite, "results", COLUMNS, cells());
    return;
  }
  for (let i = 0; i < rows.length; i += PG_BATCH_ROWS) {
    const b = rows.slice(i, i + PG_BATCH_ROWS);
    const column = <T>(pick: (r: ResultRow) => T) => b.map(pick) as (string | number | boolean | null)[];
    await orm.execute(sql`insert into results (project_id, report_id, test_id, attempt, status, final, duration_ms, message, stack, fingerprint, output)
      select ${ids.projectId}::text, ${ids.reportId}::text, u.* from unnest(
        ${pgArray(column((r) => r.testId), "text")}, ${pgArray(column((r) => r.attempt), "int")},
        ${pgArray(column((r) => r.status), "text")}, ${pgArray(column((r) => r.final), "bool")},
        ${pgArray(column((r) => r.durationMs), "int")}, ${pgArray(column((r) => r.message), "text")},
        ${pgArray(column((r) => r.stack), "text")}, ${pgArray(column((r) => r.fingerprint), "text")},
        ${pgArray(column((r) => r.output), "text")}) as u`);
  }
}
