import { and, eq, sql } from "drizzle-orm";
import type { TestRow } from "../model/ingest.ts";
import { isSqlite, PG_BATCH_ROWS, pgArray, rawSqlite, sqliteInsertRows } from "./backend/bulk.ts";
import type { Db, Orm, Schema } from "./backend/db.ts";

/** Rows per INSERT through drizzle's builder: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const BATCH_ROWS = 500;

// A test seen again only moves last-seen; the WHERE skips writing a row whose last-seen is already `now`
// (the same test in several files of one upload), which the old unconditional update rewrote.
const SQLITE_HEAD = "insert into tests (id, project_id, suite, name, file, first_seen_at, last_seen_at)";
const SQLITE_TAIL =
  "on conflict (id) do update set last_seen_at = excluded.last_seen_at where last_seen_at <> excluded.last_seen_at";

/** Inserts test identities not seen before and moves last-seen on the others, in the caller's transaction. */
export async function upsertTests(orm: Orm, schema: Schema, rows: TestRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  if (isSqlite(orm)) {
    const raw = rawSqlite(orm);
    if (raw) {
      await sqliteInsertRows(
        raw,
        SQLITE_HEAD,
        rows.length,
        (i) => [rows[i].id, rows[i].projectId, rows[i].suite, rows[i].name, rows[i].file, now, now],
        SQLITE_TAIL,
      );
      return;
    }
    // node:sqlite under Deno: no raw connection to prepare on, so drizzle's builder.
    const t = schema.tests;
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      const batch = rows.slice(i, i + BATCH_ROWS).map((r) => ({ ...r, firstSeenAt: now, lastSeenAt: now }));
      await orm
        .insert(t)
        .values(batch)
        .onConflictDoUpdate({ target: t.id, set: { lastSeenAt: sql`excluded.last_seen_at` } });
    }
    return;
  }
  // In id order: two transactions upserting overlapping tests lock them in the same order, never a deadlock.
  const ordered = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 0; i < ordered.length; i += PG_BATCH_ROWS) {
    const b = ordered.slice(i, i + PG_BATCH_ROWS);
    await orm.execute(sql`insert into tests (id, project_id, suite, name, file, first_seen_at, last_seen_at)
      select u.*, ${now}::bigint, ${now}::bigint from unnest(
        ${pgArray(
          b.map((r) => r.id),
          "text",
        )}, ${pgArray(
          b.map((r) => r.projectId),
          "text",
        )},
        ${pgArray(
          b.map((r) => r.suite),
          "text",
        )}, ${pgArray(
          b.map((r) => r.name),
          "text",
        )},
        ${pgArray(
          b.map((r) => r.file),
          "text",
        )}) as u
      on conflict (id) do update set last_seen_at = excluded.last_seen_at
      where tests.last_seen_at <> excluded.last_seen_at`);
  }
}

/** A stored test identity. */
export interface TestRecord {
  id: string;
  projectId: string;
  suite: string;
  name: string;
  file: string;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** Test identities: look one up. */
export function testStore(db: Db) {
  const t = db.schema.tests;
  return {
    /** A project's test by id. */
    async getTest(projectId: string, id: string): Promise<TestRecord | undefined> {
      const rows = await db.orm
        .select()
        .from(t)
        .where(and(eq(t.projectId, projectId), eq(t.id, id)))
        .limit(1);
      return rows[0];
    },

    /** Every test id of a project (for a full rescore). */
    async listTestIds(projectId: string): Promise<string[]> {
      return (await db.orm.select({ id: t.id }).from(t).where(eq(t.projectId, projectId))).map((r) => r.id);
    },

    /** A project's tests by "suite::name" (what test runners know), for quarantine checks. */
    async findTestsByName(projectId: string, keys: { suite: string; name: string }[]): Promise<TestRecord[]> {
      if (keys.length === 0) return [];
      const found: TestRecord[] = [];
      for (const k of keys) {
        found.push(
          ...(await db.orm
            .select()
            .from(t)
            .where(and(eq(t.projectId, projectId), eq(t.suite, k.suite), eq(t.name, k.name)))),
        );
      }
      return found;
    },
  };
}

/** The tests aggregate's functions. */
export type TestStore = ReturnType<typeof testStore>;
