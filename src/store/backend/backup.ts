// The SQL a backup needs: which tables exist, how many rows each holds, and a consistent moment to copy.
import { getTableName, is, sql, type SQL } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./db.ts";
import * as pgSchema from "../schema/pg/index.ts";

// The tables of the connection's schema (PostgreSQL and PGlite).
const PG_TABLES = "select table_name as name from information_schema.tables where table_schema = current_schema()";

/** The migrations table, which is not in the drizzle schema but is part of every backup. */
export const MIGRATIONS_TABLE = "flakeguard_migrations";

/** Every FlakeGuard table, sorted (the schema's tables and the migrations table). */
export function tableNames(): string[] {
  const names = Object.values(pgSchema)
    .filter((v) => is(v, PgTable))
    .map((t) => getTableName(t as PgTable));
  return [...names, MIGRATIONS_TABLE].sort();
}

/**
 * Rows per table, read in one statement so the figures are of one moment. Only the tables that exist:
 * a database on an older schema (an old backup, a server not yet upgraded) lacks the newer ones.
 */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const parts = (await existingTables(db)).map((t) => sql`select ${t} as t, count(*) as n from ${sql.identifier(t)}`);
  const rows = await db.rows<{ t: string; n: number | string }>(sql.join(parts, sql` union all `));
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

/** The names of the applied migrations, in order. */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const rows = await db.rows<{ name: string }>(sql`select name from ${sql.identifier(MIGRATIONS_TABLE)} order by name`);
  return rows.map((r) => r.name);
}

/** The FlakeGuard tables that exist in the database (none in an empty one). */
export async function existingTables(db: Db): Promise<string[]> {
  const names = tableNames();
  const rows =
    db.dialect === "pg"
      ? await db.rows<{ name: string }>(sql.raw(PG_TABLES))
      : await db.rows<{ name: string }>(sql`select name from sqlite_master where type = 'table'`);
  return rows
    .map((r) => r.name)
    .filter((n) => names.includes(n))
    .sort();
}

/** SQLite: writes a consistent, compacted copy of the live database to `file` (VACUUM INTO; readers and writers go on). */
export async function sqliteVacuumInto(db: Db, file: string): Promise<void> {
  // VACUUM returns no rows, so it goes through run() (all() refuses it).
  await (db.orm as unknown as { run(q: SQL): unknown }).run(sql`vacuum into ${file}`);
}

/** SQLite: the main database file of a connection ("" for an in-memory database). */
export async function sqliteFile(db: Db): Promise<string> {
  const rows = await db.rows<{ name: string; file: string }>(sql`pragma database_list`);
  return rows.find((r) => r.name === "main")?.file ?? "";
}

/** SQLite: `PRAGMA integrity_check`'s verdict ("ok" when sound). */
export async function sqliteIntegrity(db: Db): Promise<string> {
  const rows = await db.rows<{ integrity_check: string }>(sql`pragma integrity_check`);
  return rows.map((r) => r.integrity_check).join("; ");
}

interface PgliteClient {
  query<T>(q: string): Promise<{ rows: T[] }>;
  transaction<T>(fn: (tx: { query<R>(q: string): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
  dumpDataDir(compression?: "gzip" | "none" | "auto"): Promise<Blob>;
}

/** The count of every existing FlakeGuard table in one statement, as SQL text (for clients without drizzle). */
function countsQuery(existing: string[]): string {
  const names = tableNames().filter((t) => existing.includes(t));
  return names.map((t) => `select '${t}' as t, count(*) as n from "${t}"`).join(" union all ");
}

/**
 * PGlite: dumps the data directory (a gzipped tarball) with the counts of the same moment. The dump
 * runs inside a transaction, which holds PGlite's transaction lock: no other transaction is half-way.
 */
export async function pgliteDump(
  db: Db,
): Promise<{ dump: Blob; counts: Record<string, number>; migrations: string[] }> {
  const client = (db.orm as unknown as { $client: PgliteClient }).$client;
  await client.query("checkpoint");
  return client.transaction(async (tx) => {
    const existing = (await tx.query<{ name: string }>(PG_TABLES)).rows.map((r) => r.name);
    const counts = Object.fromEntries(
      (await tx.query<{ t: string; n: number | string }>(countsQuery(existing))).rows.map((r) => [r.t, Number(r.n)]),
    );
    const migrations = (
      await tx.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE} order by name`)
    ).rows.map((r) => r.name);
    return { dump: await client.dumpDataDir("gzip"), counts, migrations };
  });
}

/**
 * PostgreSQL: opens a read-only REPEATABLE READ transaction, exports its snapshot for pg_dump
 * (--snapshot) and counts rows in the same snapshot; `during` runs while the snapshot is held.
 */
export async function withPostgresSnapshot<T>(
  url: string,
  during: (s: { snapshot: string; counts: Record<string, number>; migrations: string[] }) => Promise<T>,
): Promise<T> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query("begin transaction isolation level repeatable read read only");
    const snapshot = (await client.query<{ s: string }>("select pg_export_snapshot() as s")).rows[0]!.s;
    const existing = (await client.query<{ name: string }>(PG_TABLES)).rows.map((r) => r.name);
    const counts = Object.fromEntries(
      (await client.query<{ t: string; n: string }>(countsQuery(existing))).rows.map((r) => [r.t, Number(r.n)]),
    );
    const migrations = (
      await client.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE} order by name`)
    ).rows.map((r) => r.name);
    const out = await during({ snapshot, counts, migrations });
    await client.query("commit");
    return out;
  } finally {
    await client.end();
  }
}
