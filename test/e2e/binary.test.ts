// The built executable, copied alone into an empty directory, does everything a first user does:
// version, help, serve on each embedded database, first-start admin token, one authenticated call,
// the UI, the data-directory lock, and a clean SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, run, sandbox, start, stop, waitReady } from "./process.ts";
import type { Running, Sandbox } from "./process.ts";

// Admin tokens are `fga_` plus a long random part; the length keeps help text like "fga_…" out.
const ADMIN_TOKEN = /fga_[A-Za-z0-9_-]{16,}/g;

describe("flakeguard executable", () => {
  it("prints its version", async () => {
    const { code, output } = await run(sandbox(), ["version"]);
    expect(code).toBe(0);
    expect(output).toMatch(/\d+\.\d+\.\d+/);
  });

  it("prints help that lists the serve command", async () => {
    const { code, output } = await run(sandbox(), ["--help"]);
    expect(code).toBe(0);
    expect(output).toMatch(/\bserve\b/);
    expect(output).toMatch(/\bupload\b/);
  });
});

describe.each([
  { backend: "SQLite (default)", dbArgs: [] as string[] },
  { backend: "PGlite", dbArgs: ["--database-url", "pglite:./pg"] },
])("flakeguard serve on $backend", ({ dbArgs }) => {
  let box: Sandbox;
  let port: number;
  let server: Running;
  let token = "";
  const api = (path: string, auth?: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });

  beforeAll(async () => {
    box = sandbox();
    port = await freePort();
    server = start(box, ["serve", "--port", String(port), ...dbArgs]);
    await waitReady(server, port);
  });
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
  });

  it("prints one admin token on first start", () => {
    const tokens = server.output().match(ADMIN_TOKEN) ?? [];
    expect(tokens).toHaveLength(1);
    token = tokens[0] ?? "";
  });

  it("answers the API with the admin token and refuses it without", async () => {
    const ok = await api("/api/v1/projects", token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual(expect.any(Object));
    const anonymous = await api("/api/v1/projects");
    expect(anonymous.status).toBe(401);
    const body = (await anonymous.json()) as { error?: { code?: unknown } };
    expect(body.error?.code).toEqual(expect.any(String));
    expect((await api("/api/v1/projects", "fga_wrongwrongwrongwrongwrong")).status).toBe(401);
  });

  it("serves the web UI at / with cacheable hashed assets", async () => {
    const page = await api("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await api(script ?? "/assets/missing.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await api("/projects/some/deep/link")).headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("refuses a second server on the same data directory with a clear message", async () => {
    const second = await run(box, ["serve", "--port", String(await freePort()), ...dbArgs]);
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/lock|already|in use|another/i);
    expect(second.output).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  it("exits 0 on SIGTERM", async () => {
    expect(await stop(server)).toBe(0);
  });

  it("keeps its data across a restart and does not print the token again", async () => {
    const again = start(box, ["serve", "--port", String(port), ...dbArgs]);
    try {
      await waitReady(again, port);
      expect(again.output()).not.toMatch(ADMIN_TOKEN);
      expect((await api("/api/v1/projects", token)).status).toBe(200);
    } finally {
      expect(await stop(again)).toBe(0);
    }
  });
});
