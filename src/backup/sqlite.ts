// SQLite: VACUUM INTO takes a consistent copy from the live database while readers and writers go on;
// the copy is gzipped into the backup and checked with PRAGMA integrity_check when restored.
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { FatalError } from "../lib/errors.ts";
import { sqliteNativeBinding } from "../runtime/embedded.ts";
import {
  appliedMigrations,
  sqliteFile,
  sqliteIntegrity,
  sqliteVacuumInto,
  tableCounts,
} from "../store/backend/backup.ts";
import { openDb, type Db, type OpenOptions } from "../store/backend/db.ts";
import { extractPayload, type Manifest } from "./file.ts";
import { verifyRestored } from "./verify.ts";
import type { Dumped } from "./types.ts";

// Inside the single executable better-sqlite3 needs the embedded addon; callers in the server pass none.
const withBinding = (open: OpenOptions): OpenOptions =>
  open.sqliteNativeBinding ? open : { ...open, sqliteNativeBinding: sqliteNativeBinding() };

/** Copies the live SQLite database into `work` and gzips it. */
export async function dumpSqlite(live: Db, work: string, given: OpenOptions): Promise<Dumped> {
  const open = withBinding(given);
  const copy = join(work, "flakeguard.db");
  // VACUUM INTO runs on a connection of its own: the server's connection may be inside a write
  // transaction (VACUUM refuses to run in one), and WAL lets this reader go on beside the writer.
  const file = await sqliteFile(live);
  const reader = file ? await openDb({ backend: "sqlite", path: file }, open) : live;
  try {
    await sqliteVacuumInto(reader, copy);
  } finally {
    if (reader !== live) await reader.close();
  }
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
export async function restoreSqlite(file: string, path: string, given: OpenOptions): Promise<Manifest> {
  const open = withBinding(given);
  if (existsSync(path))
    throw new FatalError(`refusing to restore: ${path} already exists (restore into an empty data directory)`);
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
