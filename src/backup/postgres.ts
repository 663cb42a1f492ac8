// PostgreSQL: pg_dump (custom format) of a snapshot exported by a REPEATABLE READ transaction, whose
// row counts go into the manifest; restored with pg_restore into an empty database in one transaction.
import { join } from "node:path";
import { FatalError } from "../lib/errors.ts";
import { existingTables, withPostgresSnapshot } from "../store/backend/backup.ts";
import { openDb } from "../store/backend/db.ts";
import { libpqTarget, runTool } from "./exec.ts";
import { extractPayload, type Manifest } from "./file.ts";
import { verifyRestored } from "./verify.ts";
import type { Dumped } from "./types.ts";

/** Dumps the database at `url` into `work` with pg_dump (which must be on PATH). */
export async function dumpPostgres(
  url: string,
  work: string,
  env: Record<string, string | undefined>,
): Promise<Dumped> {
  const payloadFile = join(work, "flakeguard.pgdump");
  const target = libpqTarget(url, env);
  return withPostgresSnapshot(url, async ({ snapshot, counts, migrations }) => {
    await runTool(
      "pg_dump",
      [
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        `--snapshot=${snapshot}`,
        `--file=${payloadFile}`,
        `--dbname=${target.url}`,
      ],
      target.env,
    );
    return { payloadFile, payloadName: "flakeguard.pgdump", counts, migrations };
  });
}

/** Restores into the database at `url`, which must hold no FlakeGuard table. */
export async function restorePostgres(
  file: string,
  url: string,
  work: string,
  env: Record<string, string | undefined>,
): Promise<Manifest> {
  const db = await openDb({ backend: "postgres", url }, { poolSize: 1 });
  try {
    const tables = await existingTables(db);
    if (tables.length > 0) {
      throw new FatalError(
        `refusing to restore: the database already has FlakeGuard tables (${tables.slice(0, 3).join(", ")}…); restore into an empty database`,
      );
    }
    const dump = join(work, "flakeguard.pgdump");
    const manifest = await extractPayload(file, dump);
    const target = libpqTarget(url, env);
    await runTool(
      "pg_restore",
      ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", `--dbname=${target.url}`, dump],
      target.env,
    );
    await verifyRestored(db, manifest);
    return manifest;
  } finally {
    await db.close();
  }
}
