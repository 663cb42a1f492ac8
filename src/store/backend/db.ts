import { sql, type SQL } from "drizzle-orm";
import { FatalError } from "../../lib/errors.ts";
import { Mutex } from "../../lib/mutex.ts";
import { BackgroundCheckpoints, SAFETY_AUTOCHECKPOINT_PAGES, type CheckpointWorkerSpawner } from "./checkpointer.ts";
import { PGLITE_SERIALIZERS } from "./pglite-serializers.ts";
import * as pgSchema from "../schema/pg/index.ts";
import * as sqliteSchema from "../schema/sqlite/index.ts";
import { SQLITE_PRAGMAS } from "./sqlite-pragmas.ts";
import type { Db, Orm, Schema } from "./types.ts";
import { redactUrl, type DatabaseTarget } from "./url.ts";

// The types live in their own file so that sqlite-deno.ts, which this file imports lazily, need not import it back.
export type { Db, Orm, Schema } from "./types.ts";

/** Options that only the embedded backends use (the single executable supplies them). */
export interface OpenOptions {
  sqliteNativeBinding?: object;
  pgliteOptions?: Record<string, unknown>;
  /** A PGlite data directory dump to start from (tests use a migrated template). */
  pgliteLoadDataDir?: Blob;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  onPoolError?: (err: Error) => void;
  /**
   * SQLite (better-sqlite3) on a file: checkpoints run in this worker thread instead of inside the
   * writer's COMMIT (see checkpointer.ts). Without it the writer checkpoints every ~40 MB of log.
   */
  sqliteCheckpoints?: { spawn: CheckpointWorkerSpawner; addonFile?: string; onError: (err: Error) => void };
}

/** Opens the database a target names. Backends are imported lazily so SQLite never loads PGlite. */
export async function openDb(target: DatabaseTarget, opts: OpenOptions = {}): Promise<Db> {
  if (target.backend === "sqlite") return openSqlite(target.path, opts);
  if (target.backend === "pglite") return openPglite(target.path, opts);
  return openPostgres(target.url, opts);
}

async function openSqlite(path: string, opts: OpenOptions): Promise<Db> {
  // Deno cannot load better-sqlite3 (a NAN addon, not Node-API): use Deno's built-in node:sqlite instead.
  if ("Deno" in globalThis) return (await import("./sqlite-deno.ts")).openSqliteDeno(path);
  const { default: Database } = await import("better-sqlite3");
  const { drizzle } = await import("drizzle-orm/better-sqlite3");
  let raw;
  try {
    raw = new Database(path, opts.sqliteNativeBinding ? { nativeBinding: opts.sqliteNativeBinding as never } : {});
    for (const pragma of SQLITE_PRAGMAS) raw.pragma(pragma);
  } catch (e) {
    throw new FatalError(`cannot open SQLite database ${path}: ${(e as Error).message}`);
  }
  const orm = drizzle(raw, { schema: sqliteSchema }) as unknown as Orm;
  const writer = new Mutex();
  const checkpoints = backgroundCheckpoints(raw, path, opts);
  return {
    backend: "sqlite",
    dialect: "sqlite",
    orm,
    schema: sqliteSchema as unknown as Schema,
    tx: (fn) =>
      writer.run(async () => {
        raw.exec("BEGIN IMMEDIATE");
        try {
          const out = await fn(orm);
          raw.exec("COMMIT");
          checkpoints?.written();
          return out;
        } catch (e) {
          if (raw.inTransaction) raw.exec("ROLLBACK");
          throw e;
        }
      }),
    rows: async <T>(q: SQL) => (orm as unknown as { all(q: SQL): T[] }).all(q),
    close: async () => {
      await checkpoints?.close();
      await writer.run(async () => raw.close());
    },
  };
}

// The worker takes the checkpoints; the writer keeps a far higher threshold of its own as a safety net,
// and a log file grown by a burst is cut back to 64 MiB when it restarts.
function backgroundCheckpoints(
  raw: { pragma(source: string): unknown },
  path: string,
  opts: OpenOptions,
): BackgroundCheckpoints | undefined {
  const wanted = opts.sqliteCheckpoints;
  if (!wanted || path === ":memory:" || path === "") return undefined;
  raw.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
  raw.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  return new BackgroundCheckpoints(
    wanted.spawn,
    { path, addonFile: wanted.addonFile, minIntervalMs: 20, idleIntervalMs: 10_000 },
    wanted.onError,
  );
}

async function openPglite(path: string, opts: OpenOptions): Promise<Db> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = path === ":memory:" || path === "memory://" ? undefined : path;
  let client;
  try {
    client = await PGlite.create(dataDir, {
      ...opts.pgliteOptions,
      loadDataDir: opts.pgliteLoadDataDir,
      serializers: PGLITE_SERIALIZERS,
    });
  } catch (e) {
    throw new FatalError(`cannot open PGlite database ${path}: ${(e as Error).message}`);
  }
  const orm = drizzle(client, { schema: pgSchema }) as unknown as Orm;
  return pgLike("pglite", orm, () => client.close());
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Db> {
  const { default: pg } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  // JIT off: its compile costs tens of ms per query, which only pays off on long analytical queries; a
  // history read planned on missing statistics was estimated costly enough to be compiled every time.
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    options: "-c jit=off",
  });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on("error", (err) => opts.onPoolError?.(err));
  // A checked-out client's error (the server shutting down mid-transaction) rejects its query, and is also
  // emitted as an event the pool does not listen to while the client is out: unhandled, it would kill the process.
  pool.on("connect", (client) => client.on("error", () => undefined));
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new FatalError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(e as Error).message || String(e)}`);
  }
  const orm = drizzle(pool, { schema: pgSchema }) as unknown as Orm;
  return pgLike("postgres", orm, () => pool.end());
}

function pgLike(backend: "pglite" | "postgres", orm: Orm, close: () => Promise<void>): Db {
  return {
    backend,
    dialect: "pg",
    orm,
    schema: pgSchema,
    tx: (fn) => orm.transaction((tx) => fn(tx as unknown as Orm)),
    rows: async <T>(q: SQL) => (await orm.execute(q)).rows as T[],
    close,
  };
}

/** Checks the database answers (for /readyz). */
export async function ping(db: Db): Promise<void> {
  await db.rows(sql`select 1 as ok`);
}
