import { resolve } from "node:path";
import { createBackup, pruneBackups } from "../backup/index.ts";
import { VERSION } from "../version.ts";
import type { JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind of the scheduled backup. */
export const BACKUP_JOB = "backup" satisfies JobKind;

/** Writes a backup into backupDir and deletes all but the newest backupKeep there. */
export const backupJob: JobDefinition<"backup"> = {
  kind: BACKUP_JOB,
  async run(_job, deps) {
    const config = deps.config;
    const dir = resolve(config.backupDir);
    const db = deps.store.db;
    const out = await createBackup({
      db,
      postgresUrl: db.backend === "postgres" ? config.databaseUrl : undefined,
      dir,
      now: deps.clock(),
      version: VERSION,
    });
    const deleted = await pruneBackups(dir, config.backupKeep);
    deps.log.info({ file: out.file, bytes: out.manifest.payload.bytes, deleted }, "backup written");
  },
};
