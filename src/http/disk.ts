// How much room the data directory's disk has left, for /readyz: a full disk still serves reads, but
// refuses uploads (507) and backups, which an operator should hear about before users do.
import { statfs } from "node:fs/promises";

/** Below this many free bytes the data directory's disk counts as full (SQLite needs pages for its WAL). */
export const LOW_DISK_BYTES = 1024 * 1024;

/** Why the disk under `dir` makes the server degraded, or undefined when it has room (or cannot be read). */
export async function diskProblem(dir: string, low = LOW_DISK_BYTES): Promise<string | undefined> {
  let free: number;
  try {
    const s = await statfs(dir);
    free = Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined; // no statfs on this runtime, or the directory is gone: the database ping says more
  }
  if (free >= low) return undefined;
  return `the disk of the data directory ${dir} is full (${Math.floor(free / 1024)} KiB free): uploads and backups are refused until space is freed`;
}
