// The shape of an open database, apart from the code that opens one, so every backend driver can name it.
import type { SQL } from "drizzle-orm";
import type { PgDatabase } from "drizzle-orm/pg-core";
import type * as pgSchema from "../schema/pg/index.ts";
import type { DatabaseTarget } from "./url.ts";

/** The schema objects. SQLite's tables have the same names and columns, so store code is written once. */
export type Schema = typeof pgSchema;
/**
 * The query builder. Typed as PostgreSQL's; on SQLite it is drizzle's SQLite builder, whose calls used
 * by the store (select/insert/update/delete, onConflict, returning) have the same shape. The contract
 * test-suite runs every store function on all three backends to keep that honest.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Orm = PgDatabase<any, Schema>;

/** An open database, whichever backend. */
export interface Db {
  backend: DatabaseTarget["backend"];
  dialect: "sqlite" | "pg";
  orm: Orm;
  schema: Schema;
  /** Runs fn in one transaction (on SQLite: BEGIN IMMEDIATE, one writer at a time). */
  tx<T>(fn: (orm: Orm) => Promise<T>): Promise<T>;
  /** Runs raw SQL and returns its rows. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
}
