// The bare stage the end-to-end figures are held against: the same result rows inserted straight into a
// freshly migrated database of the same kind (same tables, indexes and foreign keys), no HTTP, no parsing,
// no ORM. SQLite: a prepared multi-row INSERT in one transaction; PostgreSQL: COPY FROM STDIN; PGlite:
// COPY FROM '/dev/blob'. On the two Postgres backends also INSERT … SELECT FROM unnest(arrays), the
// statement the store itself uses, one 2,000-row batch at a time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { newId } from "../../src/lib/ids.ts";
import type { ResultRow, TestRow } from "../../src/model/ingest.ts";
import { checkpointWorkerSpawner } from "../../src/runtime/checkpoint-worker.ts";
import { openDb, type Db } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";
import { copyFrom, copyText } from "./ingest-copy.ts";

/** One bare method's figures. */
export interface BareFigures {
  method: string;
  /** Shown beside the others but not the target's reference (the server's own write strategy, done bare). */
  informational?: boolean;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** A backend of the bench. */
export type BenchBackend = "sqlite" | "pglite" | "postgres";

const COLUMNS = "project_id, report_id, test_id, attempt, status, final, duration_ms, message, stack, fingerprint";
const SQLITE_ROWS_PER_STATEMENT = 500; // 5,000 bound variables, far below SQLite's 32,766
const COPY_CHUNK_ROWS = 2_000;
const PGLITE_COPY_ROWS = 50_000; // one blob per COPY: bounds the copy of the text inside PGlite's memory

type Row = [
  string,
  string,
  string,
  number,
  string,
  boolean,
  number | null,
  string | null,
  string | null,
  string | null,
];

/** Every result row the bench stores: report r gets variant r % variants, in upload order. */
function* allRows(projectId: string, reportIds: string[], variants: ResultRow[][]): Generator<Row> {
  for (let r = 0; r < reportIds.length; r++) {
    for (const x of variants[r % variants.length]) {
      yield [
        projectId,
        reportIds[r],
        x.testId,
        x.attempt,
        x.status,
        x.final,
        x.durationMs,
        x.message,
        x.stack,
        x.fingerprint,
      ];
    }
  }
}

function* copyChunks(rows: Iterable<Row>, perChunk: number): Generator<Buffer> {
  let lines: string[] = [];
  for (const row of rows) {
    lines.push(row.map(copyText).join("\t"));
    if (lines.length === perChunk) {
      yield Buffer.from(lines.join("\n") + "\n");
      lines = [];
    }
  }
  if (lines.length > 0) yield Buffer.from(lines.join("\n") + "\n");
}

function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const UNNEST = `insert into results (${COLUMNS}) select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bool[], $7::int[], $8::text[], $9::text[], $10::text[])`;
const columnsOf = (batch: Row[]) => Array.from({ length: 10 }, (_, c) => batch.map((row) => row[c]));

async function timed(method: string, rows: number, run: () => Promise<void> | void): Promise<BareFigures> {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { method, rows, seconds, rowsPerSecond: rows / seconds };
}

/** Project, tests and reports the results refer to (not timed). */
async function seed(db: Db, tests: TestRow[], reports: number): Promise<{ projectId: string; reportIds: string[] }> {
  const now = Date.now();
  const projectId = newId(now);
  const s = db.schema;
  await db.orm
    .insert(s.projects)
    .values({ id: projectId, slug: "bench", name: "bench", defaultBranch: "main", createdAt: now });
  const reportIds = Array.from({ length: reports }, (_, r) => newId(now + r));
  for (const batch of batches(tests, 500)) {
    await db.orm.insert(s.tests).values(batch.map((t) => ({ ...t, projectId, firstSeenAt: now, lastSeenAt: now })));
  }
  for (const batch of batches(reportIds.entries(), 500)) {
    await db.orm.insert(s.reports).values(
      batch.map(([r, id]) => ({
        id,
        projectId,
        dedupeKey: id,
        contentHash: "x",
        format: "junit",
        commitSha: String(r),
        ciRun: String(r),
        attempt: 1,
        variant: "",
        state: "processed",
        rawSize: 0,
        receivedAt: now,
      })),
    );
  }
  return { projectId, reportIds };
}

/** Inserts `reports` × 2,000 result rows into a fresh database of `backend`, by each bare method. */
export async function bareInsert(
  backend: BenchBackend,
  pgAdminUrl: string,
  tests: TestRow[],
  variants: ResultRow[][],
  reports: number,
): Promise<BareFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), "flakeguard-bare-"));
  const dbName = `fg_bench_bare_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  let db: Db | undefined;
  try {
    if (backend === "postgres") {
      await admin.connect();
      await admin.query(`create database ${dbName}`);
    }
    const url = new URL(pgAdminUrl);
    url.pathname = `/${dbName}`;
    // SQLite is opened as the server opens it: checkpoints in the background worker, the writer's own
    // threshold raised. The one big transaction still checkpoints in its COMMIT (its log passes that threshold).
    db = await openDb(
      backend === "sqlite"
        ? { backend, path: join(dir, "bare.db") }
        : backend === "pglite"
          ? { backend, path: join(dir, "pg") }
          : { backend, url: url.toString() },
      backend === "sqlite"
        ? {
            sqliteCheckpoints: {
              spawn: checkpointWorkerSpawner(),
              onError: (e) => console.warn(`bare insert: ${e.message}`),
            },
          }
        : {},
    );
    await migrate(db, Date.now());
    // A fresh project id: test ids hash it, but foreign keys only need the rows to exist.
    const { projectId, reportIds } = await seed(db, tests, reports);
    const total = reportIds.length * variants[0].length;
    const rows = () => allRows(projectId, reportIds, variants);
    const client = (db.orm as unknown as { $client: unknown }).$client;
    if (backend === "sqlite") {
      const raw = client as BetterSqlite3.Database;
      const one = await timed("prepared multi-row INSERT, one transaction", total, () => sqliteInsert(raw, rows()));
      raw.exec("delete from results");
      // What an upload must do: commit each report on its own, so an acknowledged upload is durable.
      const perReport = await timed(
        `the same, one transaction per ${variants[0].length.toLocaleString("en")}-row report`,
        total,
        () => {
          for (const batch of batches(rows(), variants[0].length)) sqliteInsert(raw, batch);
        },
      );
      raw.exec("delete from results");
      // What the server's write path does, without the server: 25 reports (50,000 rows) per transaction, each
      // transaction's rows grouped by test (store/results.ts), checkpoints in the background worker.
      const grouped = await timed(
        "not the reference: the server's write path done bare (50,000-row transactions, rows grouped by test)",
        total,
        () => {
          for (const batch of batches(rows(), 25 * variants[0].length)) sqliteInsert(raw, groupedByTest(batch));
        },
      );
      return [one, perReport, { ...grouped, informational: true }];
    }
    if (backend === "pglite") {
      const lite = client as PGlite;
      const copy = await timed("COPY FROM '/dev/blob'", total, () => pgliteCopy(lite, rows()));
      await lite.exec("truncate results");
      const unnest = await timed("INSERT … unnest(), 2,000-row batches", total, async () => {
        await lite.transaction(async (tx) => {
          for (const batch of batches(rows(), 2_000)) await tx.query(UNNEST, columnsOf(batch));
        });
      });
      return [copy, unnest];
    }
    const pgClient = new pg.Client({ connectionString: url.toString() });
    await pgClient.connect();
    try {
      const copy = await timed("COPY FROM STDIN", total, () =>
        copyFrom(pgClient, `copy results (${COLUMNS}) from stdin`, copyChunks(rows(), COPY_CHUNK_ROWS)),
      );
      await pgClient.query("truncate results");
      const unnest = await timed("INSERT … unnest(), 2,000-row batches", total, async () => {
        await pgClient.query("begin");
        for (const batch of batches(rows(), 2_000)) await pgClient.query(UNNEST, columnsOf(batch));
        await pgClient.query("commit");
      });
      return [copy, unnest];
    } finally {
      await pgClient.end();
    }
  } finally {
    await db?.close();
    if (backend === "postgres") {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function sqliteInsert(raw: BetterSqlite3.Database, rows: Iterable<Row>): void {
  const statement = (n: number) =>
    raw.prepare(`insert into results (${COLUMNS}) values ${Array(n).fill("(?,?,?,?,?,?,?,?,?,?)").join(",")}`);
  const full = statement(SQLITE_ROWS_PER_STATEMENT);
  const sqliteValue = (v: Row[number]) => (typeof v === "boolean" ? (v ? 1 : 0) : v);
  raw.transaction(() => {
    for (const batch of batches(rows, SQLITE_ROWS_PER_STATEMENT)) {
      const params = batch.flatMap((row) => row.map(sqliteValue));
      (batch.length === SQLITE_ROWS_PER_STATEMENT ? full : statement(batch.length)).run(params);
    }
  })();
}

// A stable sort by test id: each test's rows stay in report order (the server's order, store/results.ts).
function groupedByTest(batch: Row[]): Row[] {
  return batch
    .map((row, i) => [row, i] as const)
    .sort(([a, i], [b, j]) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : i - j))
    .map(([row]) => row);
}

async function pgliteCopy(lite: PGlite, rows: Iterable<Row>): Promise<void> {
  await lite.transaction(async (tx) => {
    for (const chunk of copyChunks(rows, PGLITE_COPY_ROWS)) {
      await tx.query(`copy results (${COLUMNS}) from '/dev/blob'`, [], { blob: new Blob([new Uint8Array(chunk)]) });
    }
  });
}
