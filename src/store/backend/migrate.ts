import { sql } from "drizzle-orm";
import { FatalError } from "../../lib/errors.ts";
import type { Db, Orm } from "./db.ts";
import { migrationStatements, type Migration } from "./migration.ts";
import { pgMigrations, sqliteMigrations } from "./migrations.generated.ts";

/** What a migration run did. */
export interface MigrationStatus {
  applied: string[];
  current: string[];
  pending: string[];
}

// Any constant will do: every FlakeGuard replica uses the same one, so only one migrates at a time.
const MIGRATION_LOCK_KEY = 727_001;

/** The migrations embedded for a database's dialect. */
export function embeddedMigrations(db: Db): Migration[] {
  return db.dialect === "pg" ? pgMigrations : sqliteMigrations;
}

async function appliedNames(db: Db, orm: Orm): Promise<string[]> {
  const q = sql`select name from flakeguard_migrations order by name`;
  const rows =
    db.dialect === "pg"
      ? (await orm.execute(q)).rows
      : await (orm as unknown as { all(q: unknown): unknown[] | Promise<unknown[]> }).all(q);
  return (rows as { name: string }[]).map((r) => r.name);
}

async function exec(db: Db, orm: Orm, statement: string): Promise<void> {
  if (db.dialect === "pg") await orm.execute(sql.raw(statement));
  else await (orm as unknown as { run(q: unknown): unknown }).run(sql.raw(statement));
}

/**
 * Applies every embedded migration the database lacks, in one transaction. On PostgreSQL a transaction
 * advisory lock makes concurrent replicas wait for the first one and then find nothing left to do.
 */
export async function migrate(db: Db, now: number): Promise<MigrationStatus> {
  const all = embeddedMigrations(db);
  return db.tx(async (orm) => {
    if (db.dialect === "pg") await orm.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await exec(
      db,
      orm,
      "create table if not exists flakeguard_migrations (name text primary key, applied_at bigint not null)",
    );
    const done = await appliedNames(db, orm);
    checkKnown(done, all);
    const applied: string[] = [];
    for (const m of all) {
      if (done.includes(m.name)) continue;
      for (const statement of migrationStatements(m)) await exec(db, orm, statement);
      await exec(db, orm, `insert into flakeguard_migrations (name, applied_at) values ('${m.name}', ${now})`);
      applied.push(m.name);
    }
    return { applied, current: [...done, ...applied], pending: [] };
  });
}

/** Reports, without changing anything, which migrations are applied and which are pending. */
export async function migrationStatus(db: Db): Promise<MigrationStatus> {
  const all = embeddedMigrations(db);
  let done: string[] = [];
  try {
    done = await appliedNames(db, db.orm);
  } catch {
    done = []; // no migrations table yet: a new database
  }
  checkKnown(done, all);
  return { applied: [], current: done, pending: all.map((m) => m.name).filter((n) => !done.includes(n)) };
}

function checkKnown(done: string[], all: Migration[]): void {
  const unknown = done.filter((n) => !all.some((m) => m.name === n));
  if (unknown.length > 0) {
    throw new FatalError(
      `the database schema is newer than this flakeguard (unknown migration ${unknown[0]}); run a newer release`,
    );
  }
}
