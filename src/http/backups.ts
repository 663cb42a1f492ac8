import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { resolve } from "node:path";
import { createBackup, listBackups, pruneBackups } from "../backup/index.ts";
import { AppError } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { isStorageFull } from "./errors.ts";
import { authErrors, ErrorSchema } from "./schemas.ts";

const BackupFile = z
  .object({
    name: z.string().openapi({ example: "flakeguard-sqlite-20260101T031500123Z.fgbackup" }),
    size: z.number().openapi({ description: "bytes" }),
    createdAt: z.string().nullable(),
  })
  .openapi("BackupFile");

const BackupList = z
  .object({
    dir: z.string(),
    schedule: z.string().openapi({ description: "backupSchedule (croner), or off" }),
    keep: z.number(),
    backups: z.array(BackupFile),
  })
  .openapi("BackupList");

/** GET /api/v1/backups */
export const listBackupsRoute = createRoute({
  method: "get",
  path: "/api/v1/backups",
  tags: ["operations"],
  security: [{ bearer: [] }],
  summary: "The backups in backupDir, newest first, with the schedule and how many are kept",
  responses: {
    200: { description: "Backups", content: { "application/json": { schema: BackupList } } },
    ...authErrors,
  },
});

/** POST /api/v1/backups */
export const createBackupRoute = createRoute({
  method: "post",
  path: "/api/v1/backups",
  tags: ["operations"],
  security: [{ bearer: [] }],
  summary: "Write a backup into backupDir now (consistent while the server runs), then keep the newest backupKeep",
  responses: {
    201: { description: "The backup written", content: { "application/json": { schema: BackupFile } } },
    500: {
      description: "The backup failed (e.g. pg_dump missing)",
      content: { "application/json": { schema: ErrorSchema } },
    },
    507: {
      description: "The disk of backupDir is full (insufficient_storage); nothing was kept",
      content: { "application/json": { schema: ErrorSchema } },
    },
    ...authErrors,
  },
});

const stampOf = (name: string) => {
  const m = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z\.fgbackup$/.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7] ?? "000"}Z` : null;
};

/** Handler: list backups. */
export const listBackupsHandler =
  (d: HttpDeps): RouteHandler<typeof listBackupsRoute, HttpEnv> =>
  async (c) => {
    const dir = resolve(d.config.backupDir);
    const backups = (await listBackups(dir)).map((b) => ({ name: b.name, size: b.bytes, createdAt: stampOf(b.name) }));
    return c.json({ dir, schedule: d.config.backupSchedule, keep: d.config.backupKeep, backups }, 200);
  };

/** Handler: back up now. */
export const createBackupHandler =
  (d: HttpDeps): RouteHandler<typeof createBackupRoute, HttpEnv> =>
  async (c) => {
    const dir = resolve(d.config.backupDir);
    const db = d.store.db;
    let out;
    try {
      out = await createBackup({
        db,
        postgresUrl: db.backend === "postgres" ? d.config.databaseUrl : undefined,
        dir,
        now: d.clock(),
        version: d.version,
      });
    } catch (e) {
      if (isStorageFull(e as Error)) {
        throw new AppError(
          507,
          "insufficient_storage",
          `backup failed: the disk of ${dir} is full; free space there and retry`,
          {
            "Retry-After": "60",
          },
        );
      }
      throw new AppError(500, "backup_failed", `backup failed: ${(e as Error).message}`);
    }
    await pruneBackups(dir, d.config.backupKeep);
    const name = out.file.slice(dir.length + 1);
    return c.json({ name, size: out.manifest.payload.bytes, createdAt: out.manifest.createdAt }, 201);
  };
