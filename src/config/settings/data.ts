/** What is kept: scheduled backups and how long raw reports and results stay. */
import type { SettingRows } from "./types.ts";

/** What is kept: rows of SETTINGS, in the order `flakeguard config` prints them. */
export const DATA_SETTINGS = {
  backupSchedule: {
    type: "string",
    default: "off",
    doc: "cron schedule of the backup into backupDir (croner syntax), or off",
  },
  backupDir: {
    type: "string",
    default: (c) => `${c.dataDir ?? "./flakeguard-data"}/backups`,
    doc: "where scheduled backups (and `flakeguard backup` without --to) are written",
  },
  backupKeep: {
    type: "integer",
    default: 7,
    min: 1,
    max: 10_000,
    doc: "scheduled backups kept in backupDir; older ones are deleted",
  },
  retentionDays: {
    type: "integer",
    default: 90,
    min: 0,
    max: 36_500,
    doc: "raw reports and per-test results older than this are pruned daily; tests, verdicts and aggregates stay (0: keep forever)",
  },
} satisfies SettingRows;
