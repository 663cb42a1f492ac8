// The linux-arm64 executable (node build.ts --arch=arm64), smoke-tested on this x64 machine under
// qemu-user-static: it starts, serves until /readyz answers, takes one upload from its own `upload`
// command (on SQLite, i.e. the cross-compiled addon), and reports it back. Emulation is slow: one start is
// seconds, not the native 0.2 s. Runs when dist/flakeguard-linux-arm64 has been built (.ci/run builds it).
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CORPUS } from "../helpers/corpus.ts";
import { freePort } from "./process.ts";

const BINARY = fileURLToPath(new URL("../../dist/flakeguard-linux-arm64", import.meta.url));
const QEMU = ["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"];

/** Starts the arm64 executable under qemu in `dir`; output collected. */
function qemu(dir: string, args: string[], env: Record<string, string>) {
  const child = spawn(QEMU[0], [...QEMU.slice(1), BINARY, ...args], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe.runIf(existsSync(BINARY))("the linux-arm64 executable under qemu-user-static", () => {
  it("prints its version, serves until ready, and takes one upload on SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-arm64-"));
    const env = { PATH: "/usr/bin:/bin", HOME: dir, LANG: "C.UTF-8" };
    const version = qemu(dir, ["version"], env);
    expect(await version.exited, version.output()).toBe(0);
    expect(version.output()).toMatch(/^flakeguard \d+\.\d+\.\d+ \(node [\d.]+, linux-arm64\)/);

    const port = await freePort();
    const server = qemu(dir, ["serve", "--port", String(port)], env);
    try {
      const url = `http://127.0.0.1:${port}`;
      await expect
        .poll(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status, {
          timeout: 120_000,
          interval: 500,
        })
        .toBe(200);
      expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ backend: "sqlite" });
      const admin = /fga_[A-Za-z0-9_-]+/.exec(server.output())![0];
      const auth = { authorization: `Bearer ${admin}` };
      const created = await fetch(`${url}/api/v1/projects`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: '{"slug":"arm"}',
      });
      expect(created.status).toBe(201);
      const token = (
        (await (await fetch(`${url}/api/v1/projects/arm/tokens`, { method: "POST", headers: auth })).json()) as {
          token: string;
        }
      ).token;
      mkdirSync(join(dir, "reports"));
      copyFileSync(join(CORPUS, "junit/retries/flaky_with_classname_file.xml"), join(dir, "reports/junit.xml"));
      const upload = qemu(dir, ["upload", "--fail-on-error", "--commit", "abc1234", "--run", "77", "reports/*.xml"], {
        ...env,
        FLAKEGUARD_SERVER: url,
        FLAKEGUARD_TOKEN: token,
        FLAKEGUARD_PROJECT: "arm",
      });
      expect(await upload.exited, upload.output()).toBe(0);
      const id = /report ([0-9a-f-]{36})/.exec(upload.output())![1];
      const report = await (await fetch(`${url}/api/v1/projects/arm/reports/${id}`, { headers: auth })).json();
      expect(report).toMatchObject({ state: "processed", commit: "abc1234", run: "77", counts: { flaky: 1 } });
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }, 300_000);
});
