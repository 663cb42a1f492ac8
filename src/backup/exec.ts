import { spawn } from "node:child_process";
import { FatalError } from "../lib/errors.ts";

/** Runs a PostgreSQL client tool; a missing tool or a non-zero exit becomes one line naming it, with its stderr. */
export function runTool(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        new FatalError(
          e.code === "ENOENT"
            ? `${cmd} is not on PATH: install the PostgreSQL client tools of the server's major version (Debian: apt-get install postgresql-client), see docs/deploy.md`
            : `${cmd} failed to start: ${e.message}`,
        ),
      ),
    );
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new FatalError(`${cmd} exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`)),
    );
  });
}

/** A libpq connection string without its password, and the environment that passes the password instead (not in `ps`). */
export function libpqTarget(
  url: string,
  env: Record<string, string | undefined>,
): { url: string; env: Record<string, string | undefined> } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = "";
  return { url: u.toString(), env: password ? { ...env, PGPASSWORD: password } : env };
}
