import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERSION } from "../version.ts";
import { cliClient } from "./cli-client.ts";

describe("cliClient from source", () => {
  it("bundles one file under 1 MB that the system's Node runs on its own", async () => {
    const bytes = await cliClient()();
    expect(bytes).toBeDefined();
    expect(bytes!.byteLength).toBeLessThanOrEqual(1024 * 1024);
    // Alone in an empty directory: nothing to resolve from node_modules.
    const file = join(mkdtempSync(join(tmpdir(), "fg-cli-")), "flakeguard.js");
    writeFileSync(file, bytes!);
    // The system Node (20 here) lacks fs.promises.glob, which the project's Node 22 has: a fair stand-in for a runner.
    const node = existsSync("/usr/bin/node") ? "/usr/bin/node" : process.execPath;
    const out = execFileSync(node, [file, "version"], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    expect(out).toContain(`flakeguard ${VERSION} (CI client`);
    const help = execFileSync(node, [file, "--help"], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    expect(help).toMatch(/upload[\s\S]*run[\s\S]*quarantine ls/);
  });

  it("reads the bundle once", async () => {
    const load = cliClient();
    expect(await load()).toBe(await load());
  });
});
