// Fresh databases for scenario tests, on every backend: SQLite in a temp file, PGlite loaded from a
// migrated template (made once in global setup), PostgreSQL cloned from a migrated template database.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { openDb, type Db } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";

/** A backend the suites run against. */
export type Backend = "sqlite" | "pglite" | "postgres";

/** Backends under test: FLAKEGUARD_TEST_BACKENDS (comma-separated), default all three. */
export const BACKENDS: Backend[] = (process.env.FLAKEGUARD_TEST_BACKENDS ?? "sqlite,pglite,postgres")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean) as Backend[];

/** The PostgreSQL server tests use (trust auth on this machine). */
export const PG_ADMIN_URL = process.env.FLAKEGUARD_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A fresh, migrated, empty database and how to throw it away. */
export interface TestDb {
  db: Db;
  cleanup(): Promise<void>;
}

/** Opens a fresh migrated database on `backend`. */
export async function freshDb(backend: Backend): Promise<TestDb> {
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "fg-sqlite-"));
    const db = await openDb({ backend: "sqlite", path: join(dir, "test.db") });
    await migrate(db, Date.now());
    return {
      db,
      cleanup: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (backend === "pglite") {
    const template = new Blob([readFileSync(inject("pgliteTemplate"))]);
    const db = await openDb({ backend: "pglite", path: "memory://" }, { pgliteLoadDataDir: template });
    await migrate(db, Date.now());
    return { db, cleanup: () => db.close() };
  }
  const name = `fg_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`create database ${name} template ${inject("pgTemplateDb")}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ backend: "postgres", url: url.toString() }, { poolSize: 5 });
  await migrate(db, Date.now());
  return {
    db,
    cleanup: async () => {
      await db.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

/** Runs one statement on the PostgreSQL server's maintenance database. */
export async function adminQuery(statement: string, url = PG_ADMIN_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplateDb: string;
  }
}
