// Bulk writes for the store's hot path: the test identities and results of every report (thousands of
// rows each). Drizzle's insert builder costs more CPU per row than the database does, so these rows skip
// it: on better-sqlite3, cached prepared multi-row INSERTs run on the raw connection (inside the caller's
// BEGIN IMMEDIATE: one connection, one transaction); results go by COPY on PostgreSQL (pg-copy-streams)
// and PGlite ('/dev/blob'); upserts on PostgreSQL and PGlite are one INSERT … SELECT FROM unnest(arrays)
// per batch, one round trip and a fixed number of parameters whatever the batch size.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { entityKind, is, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { from as copyFromStdin } from "pg-copy-streams";
import { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { yielder } from "../../lib/yield.ts";
import type { Orm } from "./db.ts";

/** A value in a bulk row. */
export type Cell = string | number | boolean | null;

/** The part of a better-sqlite3 connection the bulk path uses. */
interface RawSqlite {
  prepare(source: string): { run(params: Cell[]): unknown; all(params: Cell[]): unknown[] };
  inTransaction: boolean;
}

/** SQLite's bound-variable limit (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
const SQLITE_MAX_VARIABLES = 32_766;
/** Rows per SQLite statement: past a few hundred, longer statements stop paying off. */
const SQLITE_ROWS = 500;
/** Rows per unnest() batch: bounds one message's size (stacks make rows up to a few KB). */
export const PG_BATCH_ROWS = 5_000;

const statements = new WeakMap<object, Map<string, ReturnType<RawSqlite["prepare"]>>>();

/** True when `orm` is drizzle's SQLite builder (better-sqlite3, or node:sqlite under Deno). */
export function isSqlite(orm: Orm): boolean {
  return is(orm, BaseSQLiteDatabase);
}

/** The better-sqlite3 connection behind `orm`, if that is what it runs on (not the Deno proxy). */
export function rawSqlite(orm: Orm): RawSqlite | undefined {
  const client = (orm as unknown as { $client?: Partial<RawSqlite> }).$client;
  return client && typeof client.prepare === "function" && typeof client.inTransaction === "boolean"
    ? (client as RawSqlite)
    : undefined;
}

/** The part of a PGlite connection or transaction the bulk path uses: a query with a blob for COPY FROM '/dev/blob'. */
interface RawPglite {
  query(text: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
}

/** The PGlite connection (or transaction) behind `orm`, if that is what it runs on. */
export function rawPglite(orm: Orm): RawPglite | undefined {
  const session = (orm as unknown as { session?: { client?: RawPglite; constructor: Record<symbol, unknown> } })
    .session;
  return session?.constructor[entityKind] === "PgliteSession" ? session.client : undefined;
}

/** The part of a checked-out node-postgres client the bulk path uses: a query with a COPY stream. */
interface RawPgClient {
  query(stream: ReturnType<typeof copyFromStdin>): ReturnType<typeof copyFromStdin>;
  release(): void;
}

/**
 * The node-postgres client of the transaction `orm` runs in, if it runs in one (a checked-out client has
 * `release`; outside a transaction drizzle holds the pool, where a COPY stream has no one connection).
 */
export function rawPgClient(orm: Orm): RawPgClient | undefined {
  const session = (
    orm as unknown as { session?: { client?: Partial<RawPgClient>; constructor: Record<symbol, unknown> } }
  ).session;
  if (session?.constructor[entityKind] !== "NodePgSession") return undefined;
  const client = session.client;
  return client && typeof client.release === "function" && typeof client.query === "function"
    ? (client as RawPgClient)
    : undefined;
}

/** Rows per chunk written to a COPY stream. */
const COPY_CHUNK_ROWS = 2_000;

/** Row `i` of a bulk write, as values in the columns' order (made when it is written, not all at once). */
export type RowAt = (i: number) => Cell[];

/**
 * Runs `COPY table (columns) FROM STDIN` on PostgreSQL over rows `0 … count - 1` (`rowAt`), in the caller's
 * transaction: 20 % faster than INSERT … unnest() in the bare insert (54k against 45k rows/s), and no array
 * literals to build. Rows are made chunk by chunk as the stream asks, so a 200,000-row report never has
 * them all as arrays at once.
 */
export async function pgCopyRows(
  client: RawPgClient,
  table: string,
  columns: string,
  count: number,
  rowAt: RowAt,
): Promise<void> {
  if (count === 0) return;
  function* chunks(): Generator<string> {
    for (let i = 0; i < count; i += COPY_CHUNK_ROWS) yield copyLines(i, Math.min(count, i + COPY_CHUNK_ROWS), rowAt);
  }
  await pipeline(Readable.from(chunks()), client.query(copyFromStdin(`copy ${table} (${columns}) from stdin`)));
}

/** Rows `from … to - 1` in COPY's text format: tab-separated values, one line each. */
function copyLines(from: number, to: number, rowAt: RowAt): string {
  let text = "";
  for (let i = from; i < to; i++) text += rowAt(i).map(copyText).join("\t") + "\n";
  return text;
}

/** One value in COPY's text format: `\N` for null, backslash escapes for the separators. */
export function copyText(value: Cell): string {
  if (value === null) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") return String(value);
  return /[\\\n\r\t]/.test(value)
    ? value.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"))
    : value;
}

/**
 * Runs `COPY table (columns) FROM '/dev/blob'` on PGlite over rows `from … to - 1` (`rowAt`), in the caller's
 * transaction. PGlite's own bulk path: INSERT … unnest() made PGlite's JS serialise every value into array
 * literals and its Postgres parse them back (bench:ingest, bare: COPY 15–25 % faster).
 */
export async function pgliteCopyRows(
  raw: RawPglite,
  table: string,
  columns: string,
  from: number,
  to: number,
  rowAt: RowAt,
): Promise<void> {
  if (to <= from) return;
  const text = copyLines(from, to, rowAt);
  await raw.query(`copy ${table} (${columns}) from '/dev/blob'`, [], { blob: new Blob([text]) });
}

function prepared(raw: RawSqlite, text: string): ReturnType<RawSqlite["prepare"]> {
  let cache = statements.get(raw);
  if (!cache) statements.set(raw, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = raw.prepare(text)));
  return statement;
}

/** Runs one statement per parameter list on better-sqlite3, prepared once per connection (for small writes repeated per row). */
export function sqliteRunEach(raw: RawSqlite, text: string, paramLists: Cell[][]): void {
  const statement = prepared(raw, text);
  for (const params of paramLists) statement.run(params);
}

/** Rows of a read on better-sqlite3, its statement prepared once per connection (for reads run thousands of times). */
export function sqliteAll<T>(raw: RawSqlite, text: string, params: Cell[]): T[] {
  return prepared(raw, text).all(params) as T[];
}

/**
 * Runs `head VALUES (…),(…) tail` over rows `0 … count - 1` (`rowAt`, values in the head's column order) on
 * better-sqlite3, SQLITE_ROWS rows per statement; full-size statements are prepared once per connection. Gives
 * the event loop a turn between statements every ~20 ms (lib/yield.ts), still inside the caller's transaction
 * (the writer lock keeps other writers out meanwhile): a million rows in one go blocked it for seconds.
 */
export async function sqliteInsertRows(
  raw: RawSqlite,
  head: string,
  count: number,
  rowAt: RowAt,
  tail = "",
): Promise<void> {
  if (count === 0) return;
  const maybeYield = yielder();
  const width = rowAt(0).length;
  const perStatement = Math.min(SQLITE_ROWS, Math.floor(SQLITE_MAX_VARIABLES / width));
  const tuple = `(${Array(width).fill("?").join(",")})`;
  const text = (n: number) => `${head} values ${Array(n).fill(tuple).join(",")} ${tail}`;
  for (let i = 0; i < count; i += perStatement) {
    const n = Math.min(perStatement, count - i);
    // One flat array per statement, filled in place; a row's array lives only until it is copied here.
    const params: Cell[] = new Array(n * width);
    for (let r = 0, k = 0; r < n; r++) {
      for (const v of rowAt(i + r)) params[k++] = typeof v === "boolean" ? Number(v) : v; // better-sqlite3 binds no booleans: 0/1, as drizzle stores them
    }
    const statement = n === perStatement ? prepared(raw, text(perStatement)) : raw.prepare(text(n));
    statement.run(params);
    await maybeYield();
  }
}

/** One unnest() argument: a whole column as one array parameter, cast to `type[]`. */
export function pgArray(values: Cell[], type: "text" | "int" | "bigint" | "bool" | "float8"): SQL {
  return sql`${sql.param(values)}::${sql.raw(type)}[]`;
}

/**
 * `column IN (ids)` with the ids bound as one parameter: a JSON array read by json_each on SQLite, a text[]
 * on PostgreSQL. drizzle's inArray binds a parameter per id, and building and preparing those cost more CPU
 * than running the query: rescoring 2,000 tests read verdicts, quarantines and identities this way.
 */
export function inIds(dialect: "sqlite" | "pg", column: SQLWrapper, ids: readonly string[]): SQL {
  return dialect === "sqlite"
    ? sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`
    : sql`${column} = any(${pgArray([...ids], "text")})`;
}
