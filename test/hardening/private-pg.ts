// A private PostgreSQL server for tests that stop and start it (the machine's shared one must never be
// restarted): initdb into a temp directory owned by the postgres user, pg_ctl on a free port.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../e2e/process.ts";

const BIN = (() => {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  return `/usr/lib/postgresql/${versions[0]}/bin`;
})();

/** A private server: its URL, and how to stop, start and remove it. */
export interface PrivatePg {
  url: string;
  stop(): void;
  start(): void;
  remove(): void;
}

/** Runs a PostgreSQL binary as the postgres user when we are root. */
function pg(tool: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  execFileSync(
    asRoot ? "runuser" : join(BIN, tool),
    asRoot ? ["-u", "postgres", "--", join(BIN, tool), ...args] : args,
    { stdio: "pipe", timeout: 60_000 },
  );
}

/** Creates and starts a private PostgreSQL (trust auth, user postgres) on a free port. */
export async function startPrivatePg(): Promise<PrivatePg> {
  const dir = mkdtempSync(join(tmpdir(), "fg-pg-"));
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = await freePort();
  pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const start = () =>
    pg("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "log"),
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "start",
    ]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => pg("pg_ctl", ["-D", data, "-w", "-m", "fast", "stop"]),
    start,
    remove: () => {
      try {
        pg("pg_ctl", ["-D", data, "-w", "-m", "immediate", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  return { uid: id("-u"), gid: id("-g") };
}
