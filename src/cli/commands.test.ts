import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDb } from "../store/backend/db.ts";
import type { CommandIO } from "./command.ts";
import { COMMANDS, main } from "./commands.ts";

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CommandIO = {
    env,
    cwd: mkdtempSync(join(tmpdir(), "fg-cli-")),
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    stopSignal: new Promise(() => undefined),
  };
  return { value, out, err };
}

describe("flakeguard main", () => {
  it("lists every command with --help", async () => {
    const t = io();
    expect(await main(["--help"], t.value)).toBe(0);
    for (const name of [
      "serve",
      "migrate",
      "config",
      "project create",
      "token create",
      "upload",
      "health",
      "version",
    ]) {
      expect(t.out.join("\n")).toContain(name);
    }
  });

  it("gives every command a --help with a usage line", async () => {
    for (const c of COMMANDS) {
      const t = io();
      expect(await main([...c.path, "--help"], t.value)).toBe(0);
      expect(t.out.join("\n")).toMatch(/^Usage: flakeguard /);
    }
  });

  it("leaves --help after -- to the wrapped command", async () => {
    const t = io();
    // run would execute `true --help`; without a server it warns and keeps the command's exit code (0)
    expect(await main(["run", "--", "true", "--help"], t.value)).toBe(0);
    expect(t.out.join("\n")).not.toMatch(/^Usage: flakeguard run/m);
  });

  it("refuses an unknown command or flag with one line and exit 2", async () => {
    const a = io();
    expect(await main(["serv"], a.value)).toBe(2);
    expect(a.err).toEqual(["flakeguard: unknown command 'serv' (see flakeguard --help)"]);
    const b = io();
    expect(await main(["serve", "--prot", "1"], b.value)).toBe(2);
    expect(b.err[0]).toMatch(/^flakeguard serve: Unknown option '--prot'/);
    expect(b.err).toHaveLength(1);
    const c = io();
    expect(await main(["project"], c.value)).toBe(2);
    expect(c.err[0]).toContain("did you mean 'project create'");
  });

  it("stops on bad configuration with one line naming the key", async () => {
    const t = io({ FLAKEGUARD_PORT: "abc" });
    expect(await main(["serve"], t.value)).toBe(2);
    expect(t.err).toEqual([`flakeguard serve: FLAKEGUARD_PORT: must be an integer, got "abc"`]);
  });

  it("prints the version", async () => {
    const t = io();
    expect(await main(["version"], t.value)).toBe(0);
    expect(t.out[0]).toMatch(/^flakeguard \d+\.\d+\.\d+ \(node \d+/);
  });

  it("creates a project and an upload token on the embedded database", async () => {
    const t = io();
    expect(await main(["project", "create", "web", "--data-dir", "data"], t.value)).toBe(0);
    expect(t.out[0]).toMatch(/^created project web/);
    const again = { ...t.value, stdout: (l: string) => t.out.push(l) };
    expect(await main(["token", "create", "--project", "web", "--data-dir", "data"], again)).toBe(0);
    expect(t.out.at(-1)).toMatch(/^fgu_[A-Za-z0-9_-]{32}$/);
    const missing = io();
    missing.value.cwd = t.value.cwd;
    expect(await main(["token", "create", "--project", "nope", "--data-dir", "data"], missing.value)).toBe(1);
    expect(missing.err[0]).toContain("project 'nope' not found");
  });

  it("seeds a demo history whose flaky tests and outages detection finds", async () => {
    const t = io();
    expect(await main(["seed", "--demo", "--tests", "60", "--commits", "30", "--data-dir", "data"], t.value)).toBe(0);
    expect(t.out.at(-1)).toMatch(/^seeded project demo: \d+ reports, 60 tests \(seed 1\)$/);
    const db = await openDb({ backend: "sqlite", path: join(t.value.cwd, "data", "flakeguard.db") });
    try {
      const count = async (q: string) => Number((await db.rows<{ n: number }>(sql.raw(q)))[0].n);
      expect(await count("select count(*) as n from verdicts where variant = '' and status = 'flaky'")).toBeGreaterThan(
        3,
      );
      expect(await count("select count(*) as n from incidents")).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
    const again = io();
    again.value.cwd = t.value.cwd;
    expect(await main(["seed", "--demo", "--data-dir", "data"], again.value)).toBe(1);
    expect(again.err[0]).toContain("'demo' already exists");
    expect(await main(["seed"], io().value)).toBe(2);
  }, 120_000); // a whole demo history through the pipeline: seconds alone, far more on a loaded CI machine

  it("exits 1 from health when nothing answers", async () => {
    const t = io();
    expect(await main(["health", "--url", "http://127.0.0.1:9/readyz", "--timeout", "2"], t.value)).toBe(1);
    expect(t.out[0]).toMatch(/^unhealthy: http:\/\/127\.0\.0\.1:9\/readyz/);
  });
});
