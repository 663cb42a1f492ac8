// Backups: take one (consistent, while the server runs), keep the newest N, restore one into an empty
// database. The backup file format is in ./file.ts; each backend's copy and restore in its own file.
import { mkdirSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { FatalError } from "../lib/errors.ts";
import type { Db, OpenOptions } from "../store/backend/db.ts";
import { pgMigrations, sqliteMigrations } from "../store/backend/migrations.generated.ts";
import type { DatabaseTarget } from "../store/backend/url.ts";
import { readManifest, writeBackupFile, type Manifest } from "./file.ts";
import { dumpPglite, restorePglite } from "./pglite.ts";
import { dumpPostgres, restorePostgres } from "./postgres.ts";
import { dumpSqlite, restoreSqlite } from "./sqlite.ts";
import type { Dumped } from "./types.ts";

/** Backup files this module writes (and prunes): flakeguard-<backend>-<UTC time>.fgbackup. */
export const BACKUP_FILE = /^flakeguard-(sqlite|pglite|postgres)-\d{8}T\d{6}(\d{3})?Z\.fgbackup$/;

/** Where and how to take a backup. */
export interface BackupOptions {
  db: Db;
  /** The PostgreSQL URL (pg_dump connects itself); unused by the embedded backends. */
  postgresUrl?: string;
  /** Exact file to write; else a timestamped file in `dir`. */
  to?: string;
  dir?: string;
  now: number;
  version: string;
  open?: OpenOptions;
  env?: Record<string, string | undefined>;
}

/** The file name of a backup taken at `now`. */
export function backupFileName(backend: string, now: number): string {
  return `flakeguard-${backend}-${new Date(now)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.(\d{3})Z$/, "$1Z")}.fgbackup`;
}

/** Takes a consistent online backup and writes it atomically; returns the file and its manifest. */
export async function createBackup(o: BackupOptions): Promise<{ file: string; manifest: Manifest }> {
  if (!o.to && !o.dir) throw new FatalError("backup: neither a file nor a directory to write to");
  const file = resolve(o.to ?? join(o.dir!, backupFileName(o.db.backend, o.now)));
  mkdirSync(dirname(file), { recursive: true });
  const work = await mkdtemp(join(dirname(file), ".flakeguard-backup-"));
  try {
    let dumped: Dumped;
    if (o.db.backend === "sqlite") dumped = await dumpSqlite(o.db, work, o.open ?? {});
    else if (o.db.backend === "pglite") dumped = await dumpPglite(o.db, work);
    else {
      if (!o.postgresUrl) throw new FatalError("backup: the PostgreSQL URL is needed for pg_dump");
      dumped = await dumpPostgres(o.postgresUrl, work, o.env ?? process.env);
    }
    const manifest = await writeBackupFile(
      file,
      {
        format: 1,
        backend: o.db.backend,
        createdAt: new Date(o.now).toISOString(),
        flakeguard: o.version,
        migrations: dumped.migrations,
        counts: dumped.counts,
      },
      dumped.payloadFile,
      dumped.payloadName,
    );
    return { file, manifest };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Where to restore: the configured database, which must be empty. */
export interface RestoreOptions {
  file: string;
  target: DatabaseTarget;
  open?: OpenOptions;
  env?: Record<string, string | undefined>;
}

const BACKEND_URL = { sqlite: "sqlite:FILE (the default)", pglite: "pglite:DIR", postgres: "postgres://…" };

/** Restores a backup into an empty database of the same backend, refusing an incomplete or foreign file. */
export async function restoreBackup(o: RestoreOptions): Promise<Manifest> {
  const { manifest } = await readManifest(o.file);
  if (manifest.backend !== o.target.backend) {
    throw new FatalError(
      `${o.file} is a ${manifest.backend} backup but the configured database is ${o.target.backend}; set DATABASE_URL=${BACKEND_URL[manifest.backend]}`,
    );
  }
  const known = (manifest.backend === "sqlite" ? sqliteMigrations : pgMigrations).map((m) => m.name);
  const unknown = manifest.migrations.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw new FatalError(
      `${o.file} was made by a newer flakeguard (${manifest.flakeguard}, migration ${unknown[0]}); restore it with that release or newer`,
    );
  const t = o.target;
  const base = t.backend === "postgres" ? undefined : dirname(t.path);
  if (base) mkdirSync(base, { recursive: true });
  // Beside an embedded target (same disk as the database); for PostgreSQL the temp directory.
  const work = await mkdtemp(base ? join(base, ".flakeguard-restore-") : join(tmpdir(), "flakeguard-restore-"));
  try {
    if (t.backend === "sqlite") return await restoreSqlite(o.file, t.path, o.open ?? {});
    if (t.backend === "pglite") return await restorePglite(o.file, t.path, work, o.open ?? {});
    return await restorePostgres(o.file, t.url, work, o.env ?? process.env);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One backup file in a directory. */
export interface BackupEntry {
  name: string;
  bytes: number;
  modifiedAt: number;
}

/** The backups in `dir`, newest first (none when the directory does not exist). */
export async function listBackups(dir: string): Promise<BackupEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const out: BackupEntry[] = [];
  for (const name of names.filter((n) => BACKUP_FILE.test(n))) {
    const s = await stat(join(dir, name));
    out.push({ name, bytes: s.size, modifiedAt: s.mtimeMs });
  }
  // The name carries the UTC time the copy was taken, so it orders them even after a copy between disks.
  return out.sort((a, b) => stamp(b.name).localeCompare(stamp(a.name)));
}

const stamp = (name: string) => basename(name).replace(/^flakeguard-[a-z]+-/, "");

/** Deletes all but the newest `keep` backups in `dir`; returns the deleted names. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const old = (await listBackups(dir)).slice(Math.max(keep, 1));
  for (const b of old) await rm(join(dir, b.name), { force: true });
  return old.map((b) => b.name);
}
