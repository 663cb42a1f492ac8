// SQLite for Deno. Deno cannot load better-sqlite3 (a NAN addon; Deno loads only Node-API addons), so
// under Deno the `sqlite:` backend runs on the runtime's built-in `node:sqlite` behind drizzle's
// sqlite-proxy driver. It keeps the better-sqlite3 branch's contract: same pragmas, one writer at a time
// with BEGIN IMMEDIATE, synchronous raw all()/get()/run()/values(). Node 22.13+ has the same module,
// which is how its unit test runs.
import type { SQL, SQLWrapper } from "drizzle-orm";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { FatalError } from "../../lib/errors.ts";
import { Mutex } from "../../lib/mutex.ts";
import type { Db, Orm, Schema } from "./types.ts";
import * as sqliteSchema from "../schema/sqlite/index.ts";
import { SQLITE_PRAGMAS } from "./sqlite-pragmas.ts";

type Row = Record<string, unknown>;

/** Opens a SQLite file (or `:memory:`) with `node:sqlite`, as a `Db` like the better-sqlite3 one. */
export async function openSqliteDeno(path: string): Promise<Db> {
  // Imported lazily: the Node build never runs this, and importing node:sqlite on Node 22 warns.
  const { DatabaseSync } = await import("node:sqlite");
  const { drizzle } = await import("drizzle-orm/sqlite-proxy");
  const { SQLiteAsyncDialect } = await import("drizzle-orm/sqlite-core");
  let raw: DatabaseSync;
  try {
    raw = new DatabaseSync(path);
    for (const pragma of SQLITE_PRAGMAS) raw.exec(`pragma ${pragma}`);
  } catch (e) {
    throw new FatalError(`cannot open SQLite database ${path}: ${(e as Error).message}`);
  }

  const dialect = new SQLiteAsyncDialect();
  const compile = (q: SQLWrapper | string) =>
    typeof q === "string" ? { sql: q, params: [] as unknown[] } : dialect.sqlToQuery(q.getSQL());
  const statement = (text: string, arrays: boolean) => {
    const s = raw.prepare(text);
    s.setReturnArrays(arrays);
    return s;
  };

  // drizzle's proxy protocol: rows as arrays (it maps them to fields by position), one row for "get".
  const orm = drizzle(
    async (text, params, method) => {
      const args = params.map(bindable);
      if (method === "run") {
        statement(text, false).run(...args);
        return { rows: [] };
      }
      if (method === "get") return { rows: statement(text, true).get(...args) as unknown as unknown[] };
      return { rows: statement(text, true).all(...args) as unknown[] };
    },
    { schema: sqliteSchema },
  );

  // The raw-SQL helpers stay synchronous, as better-sqlite3's are: migrate.ts calls all() and run()
  // without awaiting them on SQLite.
  Object.assign(orm, {
    all: (q: SQLWrapper | string) => rawQuery(q, false, (s, a) => s.all(...a).map(plain)),
    get: (q: SQLWrapper | string) =>
      rawQuery(q, false, (s, a) => {
        const row = s.get(...a);
        return row ? plain(row) : undefined;
      }),
    values: (q: SQLWrapper | string) => rawQuery(q, true, (s, a) => s.all(...a)),
    run: (q: SQLWrapper | string) => rawQuery(q, false, (s, a) => s.run(...a)),
  });
  function rawQuery<T>(q: SQLWrapper | string, arrays: boolean, fn: (s: StatementSync, args: SQLInputValue[]) => T): T {
    const { sql, params } = compile(q);
    return fn(statement(sql, arrays), params.map(bindable));
  }

  const writer = new Mutex();
  return {
    backend: "sqlite",
    dialect: "sqlite",
    orm: orm as unknown as Orm,
    schema: sqliteSchema as unknown as Schema,
    tx: (fn) =>
      writer.run(async () => {
        raw.exec("BEGIN IMMEDIATE");
        try {
          const out = await fn(orm as unknown as Orm);
          raw.exec("COMMIT");
          return out;
        } catch (e) {
          if (raw.isTransaction) raw.exec("ROLLBACK");
          throw e;
        }
      }),
    rows: async <T>(q: SQL) => rawQuery(q, false, (s, a) => s.all(...a).map(plain)) as T[],
    close: async () => {
      await writer.run(async () => raw.close());
    },
  };
}

/**
 * A drizzle parameter as node:sqlite binds it. Whole numbers become BigInt because node:sqlite binds
 * every JS number as REAL (a text column would store "7.0"); better-sqlite3 binds them as INTEGER.
 * Booleans become 0/1 as better-sqlite3's drizzle columns store them.
 */
export function bindable(value: unknown): SQLInputValue {
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "boolean") return value ? 1n : 0n;
  return value as SQLInputValue;
}

// node:sqlite returns null-prototype objects; the store expects plain ones, as better-sqlite3 gives.
function plain(row: unknown): Row {
  return { ...(row as Row) };
}
