import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { FatalError } from "./errors.ts";

/** A held lock on a data directory; release() removes it. */
export interface DirLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Locks `dir` for this process with an exclusively created pid file, so a second process on the same
 * embedded database refuses to start instead of corrupting it. A lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): DirLock {
  try {
    makeDir(dir);
  } catch (e) {
    throw new FatalError(`data directory ${dir} cannot be created: ${(e as Error).message}`);
  }
  const file = join(dir, "flakeguard.lock");
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new FatalError(`data directory ${dir} is not writable: ${(e as Error).message}`);
      const pid = Number(readFileSync(file, "utf8").trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new FatalError(`data directory ${dir} is in use by another flakeguard process (pid ${pid})`);
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new FatalError(`data directory ${dir} could not be locked`);
}

/**
 * mkdir -p without `recursive: true`: Node's recursive mkdir spins forever in an uninterruptible loop
 * on pseudo file systems such as /proc, where mkdir keeps answering ENOENT.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    const parent = dirname(dir);
    if (code !== "ENOENT" || parent === dir || existsSync(parent)) throw e;
    makeDir(parent);
    mkdirSync(dir);
  }
}
