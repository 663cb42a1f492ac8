// SQLite: VACUUM INTO takes a consistent copy from the live database while readers and writers go on;
// the copy is gzipped into the backup and checked with PRAGMA integrity_check when restored.
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { FatalError } from "../lib/errors.ts";
import { appliedMigrations, sqliteIntegrity, sqliteVacuumInto, tableCounts } from "../store/backup.ts";
import { openDb, type Db, type OpenOptions } from "../store/db.ts";
import { extractPayload, type Manifest } from "./file.ts";
import { verifyRestored } from "./verify.ts";
import type { Dumped } from "./types.ts";

/** Copies the live SQLite database into `work` and gzips it. */
export async function dumpSqlite(db: Db, work: string, open: OpenOptions): Promise<Dumped> {
  const copy = join(work, "flakeguard.db");
  await sqliteVacuumInto(db, copy);
  // The counts come from the copy itself, so they describe exactly what the backup holds.
  const copyDb = await openDb({ backend: "sqlite", path: copy }, open);
  let counts, migrations;
  try {
    counts = await tableCounts(copyDb);
    migrations = await appliedMigrations(copyDb);
  } finally {
    await copyDb.close();
  }
  const gz = `${copy}.gz`;
  await pipeline(createReadStream(copy), createGzip({ level: 6 }), createWriteStream(gz));
  await rm(copy, { force: true });
  return { payloadFile: gz, payloadName: "flakeguard.db.gz", counts, migrations };
}

/** Restores into `path`, which must not exist; the database is checked before it is moved into place. */
export async function restoreSqlite(file: string, path: string, open: OpenOptions): Promise<Manifest> {
  if (existsSync(path)) throw new FatalError(`refusing to restore: ${path} already exists (restore into an empty data directory)`);
  const gz = `${path}.restore.gz`;
  const tmp = `${path}.restore`;
  try {
    const manifest = await extractPayload(file, gz);
    await pipeline(createReadStream(gz), createGunzip(), createWriteStream(tmp, { mode: 0o600 }));
    const db = await openDb({ backend: "sqlite", path: tmp }, open);
    try {
      const integrity = await sqliteIntegrity(db);
      if (integrity !== "ok") throw new FatalError(`restored SQLite database fails its integrity check: ${integrity}`);
      await verifyRestored(db, manifest);
    } finally {
      await db.close();
    }
    await rename(tmp, path);
    return manifest;
  } finally {
    for (const f of [gz, tmp, `${tmp}-wal`, `${tmp}-shm`]) await rm(f, { force: true });
  }
}
