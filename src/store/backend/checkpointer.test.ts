// The background checkpoint worker: a real worker thread with its own connection to a real database file.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { checkpointWorkerSpawner } from "../../runtime/checkpoint-worker.ts";
import type { CheckpointAnswer } from "./checkpoint-protocol.ts";
import { BackgroundCheckpoints } from "./checkpointer.ts";
import { openDb, type Db, type Orm } from "./db.ts";

// Statements without rows: drizzle's SQLite run(), which the shared Orm type (PostgreSQL's) does not list.
const run = (orm: Orm, query: SQL) => (orm as unknown as { run(q: SQL): unknown }).run(query);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(background: boolean): Promise<{ db: Db; file: string; errors: Error[] }> {
  const dir = mkdtempSync(join(tmpdir(), "fg-checkpoint-"));
  dirs.push(dir);
  const file = join(dir, "db.sqlite");
  const errors: Error[] = [];
  const db = await openDb(
    { backend: "sqlite", path: file },
    background ? { sqliteCheckpoints: { spawn: checkpointWorkerSpawner(), onError: (e) => errors.push(e) } } : {},
  );
  await db.tx(async (orm) => void run(orm, sql`create table blobs (id integer primary key, body text not null)`));
  return { db, file, errors };
}

// About 4 MB per call: 1,000 rows of 4 KB, far below the writer's own checkpoint threshold.
const writeRound = (db: Db, round: number) =>
  db.tx(async (orm) => {
    for (let i = 0; i < 1_000; i++)
      run(orm, sql`insert into blobs (body) values (${`${round}:${i}:`.padEnd(4_000, "x")})`);
  });

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("background checkpoints", () => {
  it("the worker copies committed pages into the database file and the log restarts instead of growing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-checkpoint-"));
    dirs.push(dir);
    const file = join(dir, "db.sqlite");
    // A writer that never checkpoints itself: whatever reaches the database file, the worker copied.
    const writer = new Database(file);
    for (const pragma of ["journal_mode = WAL", "synchronous = NORMAL", "wal_autocheckpoint = 0"])
      writer.pragma(pragma);
    writer.exec("create table blobs (id integer primary key, body text not null)");
    const insert = writer.prepare("insert into blobs (body) values (?)");
    const errors: Error[] = [];
    const checkpoints = new BackgroundCheckpoints(
      checkpointWorkerSpawner(),
      { path: file, minIntervalMs: 50, idleIntervalMs: 60_000 },
      (e) => errors.push(e),
    );
    for (let round = 0; round < 10; round++) {
      writer.transaction(() => {
        for (let i = 0; i < 1_000; i++) insert.run(`${round}:${i}:`.padEnd(4_000, "x"));
      })();
      // Until a checkpoint has copied every frame: the next transaction then starts the log over.
      for (
        let answer = null as CheckpointAnswer | null;
        !(answer?.kind === "checkpointed" && answer.checkpointed === answer.log);
      ) {
        const next = checkpoints.next();
        checkpoints.written();
        answer = await next;
      }
      expect(size(file)).toBeGreaterThanOrEqual((round + 1) * 4_000_000);
    }
    // Ten rounds of ~4 MB each went through one log that was reused: it never held more than one round.
    expect(size(`${file}-wal`)).toBeLessThan(6_000_000);
    expect(writer.prepare("select count(*) as n from blobs").get()).toEqual({ n: 10_000 });
    await checkpoints.close();
    writer.close();
    // The worker closed its connection: the writer's close was the last one, which removes the log.
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(errors).toEqual([]);
  });

  it("openDb with the worker: commits reach the database file without the writer checkpointing", async () => {
    const { db, file, errors } = await open(true);
    await writeRound(db, 0);
    await until(() => size(file) >= 4_000_000, "the round in the database file");
    expect(await db.rows(sql`pragma integrity_check`)).toEqual([{ integrity_check: "ok" }]);
    await db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(errors).toEqual([]);
  });

  it("openDb without the worker: the same commit stays in the log (the writer's own threshold is ~40 MB)", async () => {
    const { db, file } = await open(false);
    await writeRound(db, 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(size(file)).toBeLessThan(1_000_000);
    expect(size(`${file}-wal`)).toBeGreaterThan(4_000_000);
    await db.close();
  });
});
