import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listenLocal } from "../../../test/helpers/local-server.ts";
import type { CommandIO } from "../command.ts";
import type { SendDeps } from "../upload/send.ts";
import { clientCommands, clientMain } from "./index.ts";
import { compatibleVersions, serverOf } from "./compat.ts";

describe("compatibleVersions", () => {
  it.each([
    ["1.2.0", "1.9.3", true],
    ["1.2.0", "2.0.0", false],
    ["0.1.0", "0.1.7", true],
    ["0.1.0", "0.2.0", false],
    ["v2.0.0", "2.4.1", true],
    ["1.0.0", "unknown", true],
  ])("client %s with server %s: %s", (client, server, ok) => {
    expect(compatibleVersions(client, server)).toBe(ok);
  });
});

describe("serverOf", () => {
  it("takes --server before the test command, else FLAKEGUARD_SERVER", () => {
    expect(serverOf(["--server", "http://a", "x.xml"], { FLAKEGUARD_SERVER: "http://b" })).toBe("http://a");
    expect(serverOf(["--server=http://a"], {})).toBe("http://a");
    expect(serverOf(["--", "--server", "http://a"], { FLAKEGUARD_SERVER: "http://b" })).toBe("http://b");
    expect(serverOf([], {})).toBeUndefined();
  });
});

describe("the light client's version check", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** A fake server of `version` that takes uploads and lists an empty quarantine; returns what it saw. */
  async function fakeServer(version: string) {
    const seen: string[] = [];
    const server = await listenLocal((request, _body, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.setHeader("content-type", "application/json");
      if (request.url === "/livez") return response.end(JSON.stringify({ status: "ok", version }));
      if (request.method === "POST")
        return response.writeHead(201).end(JSON.stringify({ reports: [{ id: "r1", status: "processed" }] }));
      response.end(JSON.stringify({ tests: [] }));
    });
    close = server.close;
    return { url: server.url, seen };
  }

  async function client(args: string[], server: string, version = "1.4.0") {
    const dir = mkdtempSync(join(tmpdir(), "fg-client-"));
    writeFileSync(join(dir, "junit.xml"), `<testsuite name="s"><testcase name="t"/></testsuite>`);
    const out: string[] = [];
    const io: CommandIO = {
      env: { FLAKEGUARD_SERVER: server, FLAKEGUARD_TOKEN: "fgu_x", FLAKEGUARD_PROJECT: "web" },
      cwd: dir,
      stdout: (l) => out.push(l),
      stderr: (l) => out.push(l),
      stopSignal: new Promise(() => {}),
    };
    const deps: SendDeps = {
      fetch: (input, init) => fetch(input, init),
      sleep: async () => {},
      random: () => 0,
      now: Date.now,
      requestTimeoutMs: 5_000,
    };
    const code = await clientMain(args, io, clientCommands(deps, version));
    return { code, output: out.join("\n") };
  }

  it("uploads to a server of a compatible version", async () => {
    const server = await fakeServer("1.7.2");
    const { code, output } = await client(["upload", "--fail-on-error", "junit.xml"], server.url);
    expect(code, output).toBe(0);
    expect(server.seen).toEqual(["GET /livez", expect.stringMatching(/^POST \/api\/v1\/projects\/web\/reports/)]);
  });

  it("sends nothing to an incompatible server: exit 0 with a warning, 1 with --fail-on-error", async () => {
    const server = await fakeServer("2.0.0");
    const lenient = await client(["upload", "junit.xml"], server.url);
    expect(lenient.code).toBe(0);
    expect(lenient.output).toContain("this client (1.4.0) does not work with the server's version 2.0.0");
    expect((await client(["upload", "--fail-on-error", "junit.xml"], server.url)).code).toBe(1);
    expect((await client(["quarantine", "ls", "--fail-on-error"], server.url)).code).toBe(1);
    expect((await client(["quarantine", "ls"], server.url)).code).toBe(0);
    expect(server.seen.filter((s) => s !== "GET /livez")).toEqual([]);
  });

  it("still runs the tests through `run` against an incompatible server, with their exit code", async () => {
    const server = await fakeServer("2.0.0");
    const { code, output } = await client(["run", "--", "sh", "-c", "exit 6"], server.url);
    expect(code).toBe(6);
    expect(output).toContain("reports not uploaded; exiting with the command's code 6");
  });

  it("lists the quarantine of a compatible server, --fail-on-error accepted", async () => {
    const server = await fakeServer("1.4.0");
    const { code, output } = await client(["quarantine", "ls", "--format", "json", "--fail-on-error"], server.url);
    expect(code, output).toBe(0);
    expect(JSON.parse(output)).toEqual({ tests: [] });
  });

  it("goes on when the server does not say its version (an older server)", async () => {
    const server = await listenLocal((request, _body, response) => {
      response.setHeader("content-type", "application/json");
      if (request.url === "/livez") return response.end('{"status":"ok"}');
      response.writeHead(201).end(JSON.stringify({ reports: [{ id: "r1", status: "processed" }] }));
    });
    close = server.close;
    expect((await client(["upload", "--fail-on-error", "junit.xml"], server.url)).code).toBe(0);
  });
});
