// Writing verdict rows in bulk: a wide report's rescore saves 200,000 of them, and drizzle's insert builder
// spent ~12 s of CPU building those statements (bench:ingest --wide 200000, SQLite: 13.4 of 22 s settled).
// Like the tests' and results' rows (backend/bulk.ts), they skip it where a raw connection or unnest() can.
import { sql } from "drizzle-orm";
import type { TestVerdicts } from "../model/verdict.ts";
import { isSqlite, PG_BATCH_ROWS, pgArray, rawSqlite, sqliteInsertRows, type Cell } from "./backend/bulk.ts";
import type { Orm, Schema } from "./backend/db.ts";

/** Rows per INSERT through drizzle's builder (node:sqlite under Deno): well under the bound-parameter limit. */
const BUILDER_ROWS = 300;

const COLUMNS =
  "test_id, variant, project_id, status, score, low, high, failure_rate, runs, failures, last_failure_at, evidence, updated_at";
const UPDATE = `on conflict (test_id, variant) do update set status = excluded.status, score = excluded.score,
  low = excluded.low, high = excluded.high, failure_rate = excluded.failure_rate, runs = excluded.runs,
  failures = excluded.failures, last_failure_at = excluded.last_failure_at, evidence = excluded.evidence,
  updated_at = excluded.updated_at`;

/** One verdict row's cells, in COLUMNS' order; evidence as JSON text. */
type VerdictCells = [
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number | null,
  string,
  number,
];

/** The rows of `verdicts`: one overall ("" variant) and one per variant for each test. */
function verdictCells(projectId: string, verdicts: Map<string, TestVerdicts>, now: number): VerdictCells[] {
  const rows: VerdictCells[] = [];
  for (const [testId, tv] of verdicts) {
    for (const [variant, x] of [["", tv.overall] as const, ...Object.entries(tv.variants)]) {
      rows.push([
        testId,
        variant,
        projectId,
        x.status,
        x.score,
        x.low,
        x.high,
        x.failureRate,
        x.runs,
        x.failures,
        x.lastFailureAt,
        JSON.stringify(x.evidence),
        now,
      ]);
    }
  }
  return rows;
}

/** Inserts or replaces the verdict rows of the given tests, in the caller's transaction. */
export async function upsertVerdictRows(
  orm: Orm,
  schema: Schema,
  projectId: string,
  verdicts: Map<string, TestVerdicts>,
  now: number,
): Promise<void> {
  const rows = verdictCells(projectId, verdicts, now);
  if (rows.length === 0) return;
  if (isSqlite(orm)) {
    const raw = rawSqlite(orm);
    if (raw) return sqliteInsertRows(raw, `insert into verdicts (${COLUMNS})`, rows.length, (i) => rows[i], UPDATE);
    return builderUpsert(orm, schema, rows);
  }
  // In key order: two transactions saving overlapping tests lock their rows in the same order, never a deadlock.
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  for (let i = 0; i < rows.length; i += PG_BATCH_ROWS) {
    const batch = rows.slice(i, i + PG_BATCH_ROWS);
    const column = (k: number): Cell[] => batch.map((r) => r[k]);
    await orm.execute(sql`insert into verdicts (${sql.raw(COLUMNS)})
      select u.test_id, u.variant, u.project_id, u.status, u.score, u.low, u.high, u.failure_rate, u.runs,
        u.failures, u.last_failure_at, u.evidence::jsonb, u.updated_at
      from unnest(${pgArray(column(0), "text")}, ${pgArray(column(1), "text")}, ${pgArray(column(2), "text")},
        ${pgArray(column(3), "text")}, ${pgArray(column(4), "float8")}, ${pgArray(column(5), "float8")},
        ${pgArray(column(6), "float8")}, ${pgArray(column(7), "float8")}, ${pgArray(column(8), "int")},
        ${pgArray(column(9), "int")}, ${pgArray(column(10), "bigint")}, ${pgArray(column(11), "text")},
        ${pgArray(column(12), "bigint")})
        as u(test_id, variant, project_id, status, score, low, high, failure_rate, runs, failures, last_failure_at, evidence, updated_at)
      ${sql.raw(UPDATE)}`);
  }
}

// node:sqlite under Deno has no raw connection to prepare on: drizzle's builder, as before.
async function builderUpsert(orm: Orm, schema: Schema, rows: VerdictCells[]): Promise<void> {
  const v = schema.verdicts;
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  for (let i = 0; i < rows.length; i += BUILDER_ROWS) {
    const values = rows.slice(i, i + BUILDER_ROWS).map((r) => ({
      testId: r[0],
      variant: r[1],
      projectId: r[2],
      status: r[3],
      score: r[4],
      low: r[5],
      high: r[6],
      failureRate: r[7],
      runs: r[8],
      failures: r[9],
      lastFailureAt: r[10],
      evidence: JSON.parse(r[11]) as unknown[],
      updatedAt: r[12],
    }));
    await orm
      .insert(v)
      .values(values)
      .onConflictDoUpdate({
        target: [v.testId, v.variant],
        set: {
          status: excluded("status"),
          score: excluded("score"),
          low: excluded("low"),
          high: excluded("high"),
          failureRate: excluded("failure_rate"),
          runs: excluded("runs"),
          failures: excluded("failures"),
          lastFailureAt: excluded("last_failure_at"),
          evidence: excluded("evidence"),
          updatedAt: excluded("updated_at"),
        },
      });
  }
}
