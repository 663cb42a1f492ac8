import { existsSync } from "node:fs";
import { devNull } from "node:os";
import { resolve } from "node:path";
import { openDatabase } from "../app.ts";
import { createBackup, pruneBackups, restoreBackup } from "../backup/index.ts";
import { extractPayload, type Manifest } from "../backup/file.ts";
import { FatalError } from "../lib/errors.ts";
import { createLogger } from "../lib/log.ts";
import { lockDataDir } from "../lib/dir-lock.ts";
import { pgliteEmbeddedOptions, sqliteNativeBinding } from "../runtime/embedded.ts";
import { openDb, type Db, type OpenOptions } from "../store/backend/db.ts";
import { parseDatabaseUrl, type DatabaseTarget } from "../store/backend/url.ts";
import { VERSION } from "../version.ts";
import { SERVER_FLAGS, SERVER_FLAGS_HELP, parseFlags } from "./args.ts";
import { UsageError, type Command } from "./command.ts";
import { configFromFlags } from "./server-config.ts";

async function embeddedOptions(target: DatabaseTarget): Promise<OpenOptions> {
  if (target.backend === "sqlite") return { sqliteNativeBinding: sqliteNativeBinding() };
  if (target.backend === "pglite") return { pgliteOptions: { ...(await pgliteEmbeddedOptions()) } };
  return {};
}

/** One line about what a backup holds. */
export function describeManifest(m: Manifest): string {
  const c = m.counts;
  return `${m.backend}, schema ${m.migrations.at(-1) ?? "(none)"}, ${c.projects ?? 0} project(s), ${c.tests ?? 0} test(s), ${c.reports ?? 0} report(s), ${c.results ?? 0} result(s), taken ${m.createdAt}`;
}

/** `flakeguard backup`: a consistent copy of the database while the server runs. */
export const backupCommand: Command = {
  path: ["backup"],
  summary: "Write a consistent backup of the database (online; SQLite, PGlite or PostgreSQL via pg_dump)",
  help: `Usage: flakeguard backup [--to FILE] [--keep N] [flags]

Writes one backup file: a manifest (backend, schema, rows per table, SHA-256) and the database copy.
SQLite is copied with VACUUM INTO while the server runs. PostgreSQL runs pg_dump (on PATH; the client
of the server's major version) on a snapshot. PGlite can be opened by one process only: while the
server runs, back it up with its scheduled backup (backupSchedule) or POST /api/v1/backups.

Flags:
  --to FILE    write this file (default: backupDir/flakeguard-<backend>-<UTC time>.fgbackup)
  --keep N     then delete all but the newest N backups in backupDir (only without --to)
${SERVER_FLAGS_HELP}

Examples:
  flakeguard backup --to /srv/backups/flakeguard.fgbackup
  DATABASE_URL=postgres://flakeguard@db/flakeguard flakeguard backup --keep 14`,
  async run(args, io) {
    const { values } = parseFlags(args, { ...SERVER_FLAGS, to: { type: "string" }, keep: { type: "string" } });
    const { to, keep, ...server } = values;
    const keepN = keep === undefined ? undefined : Number(keep);
    if (keepN !== undefined && !(Number.isInteger(keepN) && keepN >= 1))
      throw new UsageError(`--keep must be a whole number of at least 1, got '${keep}'`);
    if (to && keepN !== undefined) throw new UsageError("--keep prunes backupDir; it cannot be used with --to");
    const { config } = configFromFlags(server, io);
    const target = parseDatabaseUrl(config.databaseUrl, io.cwd);
    const open = await embeddedOptions(target);
    const { db, release } = await openForBackup(target, open, config, io.cwd);
    try {
      const dir = resolve(io.cwd, config.backupDir);
      const out = await createBackup({
        db,
        postgresUrl: target.backend === "postgres" ? target.url : undefined,
        to: to ? resolve(io.cwd, to) : undefined,
        dir,
        now: Date.now(),
        version: VERSION,
        open,
        env: io.env,
      });
      io.stdout(`backup written: ${out.file} (${out.manifest.payload.bytes} bytes; ${describeManifest(out.manifest)})`);
      if (keepN !== undefined) {
        for (const name of await pruneBackups(dir, keepN)) io.stdout(`deleted old backup ${name}`);
      }
    } finally {
      await release();
    }
    return 0;
  },
};

async function openForBackup(
  target: DatabaseTarget,
  open: OpenOptions,
  config: ReturnType<typeof configFromFlags>["config"],
  cwd: string,
): Promise<{ db: Db; release(): Promise<void> }> {
  if (target.backend === "sqlite") {
    // No data-directory lock: SQLite's own locking lets this read while the server writes.
    if (!existsSync(target.path))
      throw new FatalError(`no SQLite database at ${target.path} (check --data-dir / DATABASE_URL)`);
    const db = await openDb(target, open);
    return { db, release: () => db.close() };
  }
  if (target.backend === "pglite" && !existsSync(resolve(target.path, "PG_VERSION"))) {
    throw new FatalError(`no PGlite database in ${target.path} (check DATABASE_URL)`);
  }
  try {
    return await openDatabase({ ...config, migrate: false }, cwd, open, createLogger("warn"), Date.now);
  } catch (e) {
    if (target.backend === "pglite" && /in use by another flakeguard/.test((e as Error).message)) {
      throw new FatalError(
        `${(e as Error).message}: PGlite has one process; back up through the server (POST /api/v1/backups, or backupSchedule) or stop it first`,
      );
    }
    throw e;
  }
}

/** `flakeguard restore FILE`: a backup into an empty database, checked row by row against its manifest. */
export const restoreCommand: Command = {
  path: ["restore"],
  summary: "Restore a backup into an empty data directory or database (checks it is complete)",
  help: `Usage: flakeguard restore FILE [--check] [flags]

Restores FILE into the configured database, which must be empty: a SQLite file or PGlite directory
that does not exist yet, or a PostgreSQL database without FlakeGuard tables (pg_restore on PATH).
The file's size and SHA-256 are checked first, then every table's row count and the schema against
its manifest; a truncated, altered or incomplete backup is refused and nothing is left behind.

Flags:
  --check      only check FILE (manifest, size, SHA-256) and print what it holds
${SERVER_FLAGS_HELP}

Example:
  flakeguard restore /srv/backups/flakeguard-sqlite-20260101T031500Z.fgbackup --data-dir /var/lib/flakeguard`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { ...SERVER_FLAGS, check: { type: "boolean" } }, true);
    if (positionals.length !== 1) throw new UsageError("restore takes one backup FILE (see flakeguard restore --help)");
    const file = resolve(io.cwd, positionals[0]);
    const { check, ...server } = values;
    if (check) {
      const m = await extractPayload(file, devNull);
      io.stdout(`backup complete: ${file} (${describeManifest(m)})`);
      return 0;
    }
    const { config } = configFromFlags(server, io);
    const target = parseDatabaseUrl(config.databaseUrl, io.cwd);
    const lock = target.backend === "postgres" ? undefined : lockDataDir(resolve(io.cwd, config.dataDir));
    try {
      const m = await restoreBackup({ file, target, open: await embeddedOptions(target), env: io.env });
      io.stdout(
        `restored ${file} into ${target.backend === "postgres" ? "the PostgreSQL database" : target.path} (${describeManifest(m)})`,
      );
      io.stdout("start the server as usual; it applies any newer migrations");
    } finally {
      lock?.release();
    }
    return 0;
  },
};
