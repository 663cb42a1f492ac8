import { FatalError } from "../lib/errors.ts";
import { appliedMigrations, tableCounts } from "../store/backend/backup.ts";
import type { Db } from "../store/backend/db.ts";
import type { Manifest } from "./file.ts";

/** Checks a restored database against its manifest: the same migrations and the same rows in every table. */
export async function verifyRestored(db: Db, manifest: Manifest): Promise<void> {
  const migrations = await appliedMigrations(db);
  if (migrations.join(",") !== manifest.migrations.join(",")) {
    throw new FatalError(
      `restored database has migrations [${migrations.join(", ")}], the backup's manifest [${manifest.migrations.join(", ")}]`,
    );
  }
  const counts = await tableCounts(db);
  const wrong = Object.entries(manifest.counts).filter(([t, n]) => counts[t] !== n);
  if (wrong.length > 0) {
    throw new FatalError(
      `restored database is incomplete: ${wrong.map(([t, n]) => `${t} has ${counts[t] ?? "no table"} rows, the backup ${n}`).join("; ")}`,
    );
  }
}
