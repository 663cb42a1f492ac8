// PGlite: dumpDataDir's gzipped tarball of the data directory, taken between transactions; restored by
// starting PGlite on an empty directory from that tarball.
import { readdirSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FatalError } from "../lib/errors.ts";
import { pgliteDump } from "../store/backend/backup.ts";
import { openDb, type Db, type OpenOptions } from "../store/backend/db.ts";
import { extractPayload, type Manifest } from "./file.ts";
import { verifyRestored } from "./verify.ts";
import type { Dumped } from "./types.ts";

/** Dumps the live PGlite data directory into `work`. */
export async function dumpPglite(db: Db, work: string): Promise<Dumped> {
  const { dump, counts, migrations } = await pgliteDump(db);
  const payloadFile = join(work, "pgdata.tar.gz");
  await writeFile(payloadFile, new Uint8Array(await dump.arrayBuffer()));
  return { payloadFile, payloadName: "pgdata.tar.gz", counts, migrations };
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
}

/** Restores into the PGlite directory `dir`, which must be empty or missing; on any failure it is emptied again. */
export async function restorePglite(file: string, dir: string, work: string, open: OpenOptions): Promise<Manifest> {
  if (!isEmptyDir(dir))
    throw new FatalError(
      `refusing to restore: PGlite directory ${dir} is not empty (restore into an empty data directory)`,
    );
  const tarball = join(work, "pgdata.tar.gz");
  const manifest = await extractPayload(file, tarball);
  let db: Db | undefined;
  try {
    db = await openDb(
      { backend: "pglite", path: dir },
      { ...open, pgliteLoadDataDir: new Blob([await readFile(tarball)]) },
    );
    await verifyRestored(db, manifest);
    await db.close();
    return manifest;
  } catch (e) {
    await db?.close().catch(() => undefined);
    for (const entry of readdirSync(dir)) await rm(join(dir, entry), { recursive: true, force: true });
    throw e;
  }
}
