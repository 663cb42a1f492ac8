import { sql } from "drizzle-orm";
import type { TestRow } from "../model/ingest.ts";
import type { Orm, Schema } from "./db.ts";

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const BATCH_ROWS = 500;

/** Inserts test identities not seen before and moves last-seen on the others, in the caller's transaction. */
export async function upsertTests(orm: Orm, schema: Schema, rows: TestRow[], now: number): Promise<void> {
  const t = schema.tests;
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const batch = rows.slice(i, i + BATCH_ROWS).map((r) => ({ ...r, firstSeenAt: now, lastSeenAt: now }));
    await orm.insert(t).values(batch)
      .onConflictDoUpdate({ target: t.id, set: { lastSeenAt: sql`excluded.last_seen_at` } });
  }
}
