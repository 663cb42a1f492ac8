// flakeguard backup and restore through the built executable (embedded SQLite addon and PGlite files,
// pg_dump/pg_restore on PATH): a project written before the backup is there after the restore, a
// non-empty target is refused, and a PGlite database in use by a server points to the server's backup.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { adminQuery, PG_ADMIN_URL } from "../helpers/backends.ts";
import { freePort, run, sandbox, start, stop, waitReady } from "./process.ts";

const dbs: string[] = [];
afterAll(async () => {
  for (const d of dbs) await adminQuery(`drop database if exists ${d} with (force)`);
});

async function pgDatabase(): Promise<string> {
  const name = `fg_e2e_bk_${process.pid}_${dbs.length}`;
  await adminQuery(`drop database if exists ${name} with (force)`);
  await adminQuery(`create database ${name}`);
  dbs.push(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

describe.each(["sqlite", "pglite", "postgres"] as const)("flakeguard backup and restore on %s", (backend) => {
  it("restores what was backed up into an empty target and refuses a non-empty one", async () => {
    const box = sandbox();
    const source =
      backend === "postgres"
        ? ["--database-url", await pgDatabase()]
        : backend === "pglite"
          ? ["--data-dir", "a", "--database-url", "pglite:a/pg"]
          : ["--data-dir", "a"];
    const target =
      backend === "postgres"
        ? ["--database-url", await pgDatabase()]
        : backend === "pglite"
          ? ["--data-dir", "b", "--database-url", "pglite:b/pg"]
          : ["--data-dir", "b"];
    expect((await run(box, ["migrate", ...source])).code).toBe(0);
    const created = await run(box, ["project", "create", "web", ...source]);
    expect(created.code, created.output).toBe(0);

    const backup = await run(box, ["backup", "--to", "b.fgbackup", ...source]);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toMatch(
      new RegExp(`backup written: .*b\\.fgbackup .*${backend}, schema \\w+, 1 project\\(s\\)`),
    );
    const check = await run(box, ["restore", "--check", "b.fgbackup"]);
    expect(check.output).toContain("backup complete");

    const restored = await run(box, ["restore", "b.fgbackup", ...target]);
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toContain("1 project(s)");
    // The project came back: creating it again is refused.
    const again = await run(box, ["project", "create", "web", ...target]);
    expect(again.code).not.toBe(0);
    expect(again.output).toMatch(/already exists/);
    const twice = await run(box, ["restore", "b.fgbackup", ...target]);
    expect(twice.code).toBe(1);
    expect(twice.output).toContain("refusing to restore");
  });
});

describe("flakeguard backup on a PGlite database a server holds", () => {
  it("names the server's way to back up", async () => {
    const box = sandbox();
    const port = await freePort();
    const server = start(box, [
      "serve",
      "--port",
      String(port),
      "--data-dir",
      join(box.dir, "d"),
      "--database-url",
      `pglite:${join(box.dir, "d", "pg")}`,
    ]);
    try {
      await waitReady(server, port);
      const r = await run(box, [
        "backup",
        "--data-dir",
        join(box.dir, "d"),
        "--database-url",
        `pglite:${join(box.dir, "d", "pg")}`,
      ]);
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/in use by another flakeguard process .*POST \/api\/v1\/backups/);
    } finally {
      await stop(server);
    }
  });
});
