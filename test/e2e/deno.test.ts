// FlakeGuard's source under Deno: `deno task serve` (deno.json) from the npm-installed `deno` package,
// on each backend, does what a first user does: ready, first-start admin token, one authenticated call,
// a refused anonymous one, and a clean SIGTERM. Deno gets a fresh DENO_DIR and a dead proxy, so the
// test fails if it would download anything; it fails (does not skip) when deno is missing.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, PG_ADMIN_URL, adminQuery, type Backend } from "../helpers/backends.ts";
import { freePort } from "./process.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(ROOT, "node_modules/.bin/deno");
// Admin tokens are `fga_` plus a long random part.
const ADMIN_TOKEN = /fga_[A-Za-z0-9_-]{16,}/;

/** The database flags for a backend, inside the run's temp directory. */
async function databaseArgs(backend: Backend, dir: string): Promise<{ args: string[]; drop?: () => Promise<void> }> {
  if (backend === "sqlite") return { args: [] }; // the default: sqlite:<data-dir>/flakeguard.db
  if (backend === "pglite") return { args: ["--database-url", `pglite:${join(dir, "pg")}`] };
  const name = `fg_deno_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    args: ["--database-url", url.toString()],
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}

describe("deno is installed from npm", () => {
  it("has its binary in node_modules/.bin", () => {
    expect(existsSync(DENO), `${DENO} is missing: the deno npm package is a devDependency`).toBe(true);
  });
});

describe.each(BACKENDS)("deno task serve on %s", (backend) => {
  let dir: string;
  let port: number;
  let output = "";
  let exited: Promise<{ code: number | null; signal: string | null }>;
  let child: ReturnType<typeof spawn>;
  let drop: (() => Promise<void>) | undefined;
  const api = (path: string, token?: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "fg-deno-"));
    port = await freePort();
    const db = await databaseArgs(backend, dir);
    drop = db.drop;
    // The `--` form the docs show: Deno passes it on and `serve` must ignore it.
    const args = [
      "task",
      "serve",
      "--",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--data-dir",
      join(dir, "data"),
      ...db.args,
    ];
    child = spawn(DENO, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      // Nothing from the developer's environment (FLAKEGUARD_*, DATABASE_URL); any download would hit
      // the dead proxy and fail.
      env: {
        PATH: "/usr/bin:/bin",
        HOME: dir,
        DENO_DIR: join(dir, "deno-dir"),
        DENO_NO_UPDATE_CHECK: "1",
        NO_COLOR: "1",
        HTTP_PROXY: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://127.0.0.1:9",
        NO_PROXY: "127.0.0.1,localhost",
      },
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (e) => (output += `spawn failed: ${e.message}\n`));
    exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => resolve({ code, signal }));
      child.on("error", () => resolve({ code: null, signal: null }));
    });
  });

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it("becomes ready", async () => {
    let gone = false;
    void exited.then(() => (gone = true));
    const deadline = Date.now() + 90_000; // the first start under Deno type-strips every module
    let status = 0;
    while (Date.now() < deadline && !gone && status !== 200) {
      status = await api("/readyz").then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status, `not ready; output:\n${output}`).toBe(200);
    expect(output).toMatch(new RegExp(`"backend":"${backend}"`));
  });

  it("prints an admin token that lists projects, and refuses a call without it", async () => {
    const token = output.match(ADMIN_TOKEN)?.[0];
    expect(token, `no admin token in:\n${output}`).toBeDefined();
    const listed = await api("/api/v1/projects", token);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ projects: [] });
    expect((await api("/api/v1/projects")).status).toBe(401);
    expect((await api("/api/v1/projects", "fga_wrongwrongwrongwrong")).status).toBe(401);
  });

  it("parses and stores an uploaded report (in its parse worker thread)", async () => {
    const token = output.match(ADMIN_TOKEN)![0];
    const post = (path: string, body: string, type: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": type },
        body,
      });
    expect((await post("/api/v1/projects", '{"slug":"deno"}', "application/json")).status).toBe(201);
    const res = await post(
      "/api/v1/projects/deno/reports?commit=abc",
      '<testsuite name="s"><testcase classname="a" name="passes"/><testcase classname="a" name="fails"><failure message="no"/></testcase></testsuite>',
      "application/xml",
    );
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await res.json()).reports[0].counts).toMatchObject({ tests: 2, passed: 1, failed: 1 });
  });

  it("stops on SIGTERM", async () => {
    child.kill("SIGTERM");
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 15_000));
    expect(await Promise.race([exited, timeout])).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/"msg":"stopped"/);
  });
});
