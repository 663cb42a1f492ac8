// Bad configuration and environment: the executable exits non-zero with one line naming the problem.
import { createServer } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, run, sandbox } from "./process.ts";

/** The lines a failed start printed, without blank ones. */
const lines = (output: string) => output.split("\n").filter((l) => l.trim() !== "");

describe("the executable refuses bad input with one line", () => {
  it.each([
    [["serve", "--bogus"], /^flakeguard serve: Unknown option '--bogus'/],
    [["frobnicate"], /^flakeguard: unknown command 'frobnicate'/],
    [
      ["serve", "--database-url", "mysql://u:secret@h/db"],
      /DATABASE_URL: unsupported database URL "mysql:\/\/u:\*\*\*@h\/db"/,
    ],
    [
      ["serve", "--database-url", "postgres://u:secret@127.0.0.1:1/db"],
      /^flakeguard serve: cannot reach PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/,
    ],
    [
      ["serve", "--data-dir", "/proc/flakeguard"],
      /^flakeguard serve: data directory \/proc\/flakeguard (cannot be created|is not writable)/,
    ],
    [["serve", "--port", "http"], /^flakeguard serve: --port: must be an integer/],
    [["serve", "--config", "nope.ts"], /^flakeguard serve: config file .*nope\.ts: not found/],
  ])("%j", async (args, message) => {
    const box = sandbox();
    const { code, output } = await run(box, args);
    expect(code).not.toBe(0);
    expect(lines(output)).toHaveLength(1);
    expect(lines(output)[0]).toMatch(message);
    expect(output).not.toContain("secret");
  });

  it("names an unreadable or broken config file", async () => {
    const box = sandbox();
    writeFileSync(join(box.dir, "flakeguard.config.ts"), "export default { port: 'eighty' }");
    const { code, output } = await run(box, ["serve"]);
    expect(code).toBe(2);
    expect(lines(output)).toEqual([expect.stringMatching(/flakeguard\.config\.ts: port: must be an integer/)]);
  });

  it("loads a TypeScript config file inside the executable", async () => {
    const box = sandbox();
    writeFileSync(
      join(box.dir, "flakeguard.config.ts"),
      `import { defineConfig } from "flakeguard";
      const port: number = 9123;
      export default defineConfig({ port, logLevel: "warn" });`,
    );
    const { code, output } = await run(box, ["config"]);
    expect(code).toBe(0);
    expect(output).toMatch(/^port = 9123 +# file/m);
    expect(output).toMatch(/^logLevel = warn +# file/m);
  });

  it("says which port is in use", async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const { code, output } = await run(sandbox(), ["serve", "--port", String(port), "--log-level", "silent"]);
      expect(code).toBe(1);
      expect(lines(output).at(-1)).toBe(`flakeguard serve: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("stack traces only with --debug", async () => {
    const { output } = await run(sandbox(), ["serve", "--database-url", "postgres://127.0.0.1:1/db", "--debug"]);
    expect(output).toMatch(/\n\s+at /);
  });
});
