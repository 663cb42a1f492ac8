// Migrations on PostgreSQL: replicas starting together migrate exactly once; --migrate=false refuses a stale schema.
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createLogger } from "../../src/lib/log.ts";
import { embeddedMigrations } from "../../src/store/backend/migrate.ts";
import * as pgSchema from "../../src/store/schema/pg/index.ts";
import { BACKENDS, PG_ADMIN_URL, adminQuery } from "../helpers/backends.ts";

const log = createLogger("silent");
const created: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `fg_mig_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`create database ${name}`);
  created.push(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

afterEach(async () => {
  for (const name of created.splice(0)) await adminQuery(`drop database if exists ${name} with (force)`);
});

describe.runIf(BACKENDS.includes("postgres"))("migrations on PostgreSQL", () => {
  it("applies them exactly once when four replicas start together", async () => {
    const url = await emptyDatabase();
    const config = { ...loadConfig({ env: { DATABASE_URL: url }, cwd: "/tmp" }).config };
    const opened = await Promise.all(Array.from({ length: 4 }, () => openDatabase(config, "/tmp", {}, log, Date.now)));
    try {
      const rows = await opened[0].db.rows<{ name: string }>(sql`select name from flakeguard_migrations`);
      expect(rows.map((r) => r.name)).toEqual(embeddedMigrations(opened[0].db).map((m) => m.name));
      const tables = await opened[1].db.rows<{ n: string }>(
        sql`select count(*) as n from information_schema.tables where table_schema = 'public'`,
      );
      expect(Number(tables[0].n)).toBe(Object.keys(pgSchema).length + 1); // + flakeguard_migrations
    } finally {
      await Promise.all(opened.map((o) => o.release()));
    }
  });

  it("refuses to start on a stale schema with --migrate=false, naming the fix", async () => {
    const url = await emptyDatabase();
    const config = { ...loadConfig({ env: { DATABASE_URL: url, FLAKEGUARD_MIGRATE: "false" }, cwd: "/tmp" }).config };
    await expect(openDatabase(config, "/tmp", {}, log, Date.now)).rejects.toThrow(
      /schema is out of date .*`flakeguard migrate`/,
    );
  });
});
