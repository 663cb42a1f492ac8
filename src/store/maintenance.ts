import { sql } from "drizzle-orm";
import type { Db } from "./backend/db.ts";

/** A table has grown enough to vacuum once it holds this share more pages than when it was last vacuumed. */
const GROWTH = 0.2;
/** …and at least this many more pages (8 KB each): small tables are read whole anyway. */
const MIN_NEW_PAGES = 8;

/**
 * Upkeep PGlite needs from the application: it runs no autovacuum, so without it tables are never
 * analyzed (the planner guesses, and chose sequential scans of every result per history read), pages are
 * never marked all-visible (no index-only scans), and rows that updates left dead are never reclaimed.
 * PostgreSQL's own autovacuum does this; SQLite needs none of it.
 */
export function maintenanceStore(db: Db) {
  return {
    /** PGlite tables that grew by a fifth since they were last vacuumed (or never were); none on other backends. */
    async tablesToVacuum(): Promise<string[]> {
      if (db.backend !== "pglite") return [];
      // relpages is what the last VACUUM or ANALYZE saw (0 before the first); the file's size is now.
      const rows = await db.rows<{ name: string }>(sql`
        select c.relname as "name" from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind = 'r'
          and pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * ${sql.raw(String(1 + GROWTH))} + ${sql.raw(String(MIN_NEW_PAGES))}
        order by c.relname`);
      return rows.map((r) => r.name);
    },

    /** VACUUM (ANALYZE) of one table of this schema: statistics refreshed, pages marked all-visible, dead rows freed. */
    async vacuumTable(name: string): Promise<void> {
      // A name is not a parameter: only an identifier of this schema's tables gets into the statement.
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a table name: ${JSON.stringify(name)}`);
      if (db.dialect !== "pg") return; // SQLite reuses freed pages itself and needs no statistics for its plans
      await db.rows(sql.raw(`vacuum (analyze) "${name}"`));
    },
  };
}

/** The maintenance aggregate's functions. */
export type MaintenanceStore = ReturnType<typeof maintenanceStore>;
