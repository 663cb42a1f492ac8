// Made once per test run: a migrated PGlite data directory dump (a new PGlite takes ~4.5 s to create,
// loading a dump ~0.9 s) and a migrated PostgreSQL template database. PostgreSQL must be reachable when
// it is among the backends: CI fails rather than silently skipping it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { openDb } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";
import { BACKENDS, PG_ADMIN_URL, adminQuery } from "./backends.ts";

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "fg-templates-"));
  const templatePath = join(dir, "pglite-template.tar.gz");
  if (BACKENDS.includes("pglite")) {
    const db = await openDb({ backend: "pglite", path: "memory://" });
    await migrate(db, Date.now());
    const client = (db.orm as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir("gzip");
    writeFileSync(templatePath, new Uint8Array(await dump.arrayBuffer()));
    await db.close();
  }
  const pgTemplate = `fg_template_${process.pid}`;
  if (BACKENDS.includes("postgres")) {
    try {
      await adminQuery(`drop database if exists ${pgTemplate}`);
      await adminQuery(`create database ${pgTemplate}`);
    } catch (e) {
      throw new Error(
        `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(e as Error).message}); start it, or set FLAKEGUARD_TEST_BACKENDS to leave it out`,
        { cause: e },
      );
    }
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${pgTemplate}`;
    const db = await openDb({ backend: "postgres", url: url.toString() });
    await migrate(db, Date.now());
    await db.close();
  }
  project.provide("pgliteTemplate", templatePath);
  project.provide("pgTemplateDb", pgTemplate);
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (BACKENDS.includes("postgres"))
      await adminQuery(`drop database if exists ${pgTemplate} with (force)`).catch(() => undefined);
  };
}
