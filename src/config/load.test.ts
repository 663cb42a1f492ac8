import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../lib/errors.ts";
import { dumpConfig } from "./dump.ts";
import { loadConfig } from "./load.ts";

const dir = () => mkdtempSync(join(tmpdir(), "fg-config-"));

describe("loadConfig", () => {
  it("uses the typed defaults, deriving the database from the data directory", () => {
    const cwd = dir();
    const { config, sources } = loadConfig({ env: {}, cwd });
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      role: "all",
      migrate: true,
      dataDir: join(cwd, "flakeguard-data"),
    });
    expect(config.databaseUrl).toBe("sqlite:./flakeguard-data/flakeguard.db");
    expect(sources.port).toBe("default");
  });

  it("layers defaults < config file < env < flags", () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, "flakeguard.config.ts"),
      `import { defineConfig } from "flakeguard";
      const port: number = 9000;
      export default defineConfig({ port, host: "0.0.0.0", logLevel: "warn", maxUploadBytes: "10MiB" });`,
    );
    const { config, sources, file } = loadConfig({
      env: { FLAKEGUARD_HOST: "10.0.0.1", FLAKEGUARD_LOG_LEVEL: "debug" },
      cwd,
      flags: { "log-level": "error" },
    });
    expect(file).toBe(join(cwd, "flakeguard.config.ts"));
    expect(config.port).toBe(9000);
    expect(sources.port).toBe("file");
    expect(config.host).toBe("10.0.0.1");
    expect(sources.host).toBe("env FLAKEGUARD_HOST");
    expect(config.logLevel).toBe("error");
    expect(sources.logLevel).toBe("flag --log-level");
    expect(config.maxUploadBytes).toBe(10 * 1024 * 1024);
  });

  it("reads JSON config files and DATABASE_URL", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "flakeguard.config.json"), JSON.stringify({ dataDir: "/var/lib/fg" }));
    const { config } = loadConfig({ env: { DATABASE_URL: "postgres://u:p@h/db" }, cwd });
    expect(config.dataDir).toBe("/var/lib/fg");
    expect(config.databaseUrl).toBe("postgres://u:p@h/db");
  });

  it("reads secrets from *_FILE and masks them in the dump", () => {
    const cwd = dir();
    const secret = "fga_" + "a".repeat(32);
    writeFileSync(join(cwd, "admin"), secret + "\n");
    const loaded = loadConfig({
      env: { FLAKEGUARD_ADMIN_TOKEN_FILE: join(cwd, "admin"), DATABASE_URL: "postgres://fg:hunter2@db/fg" },
      cwd,
    });
    expect(loaded.config.adminToken).toBe(secret);
    const dump = dumpConfig(loaded);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain("hunter2");
    expect(dump).toContain("adminToken = ********");
    expect(dump).toContain("databaseUrl = postgres://fg:***@db/fg");
  });

  it.each([
    [{ FLAKEGUARD_PORT: "eighty" }, /FLAKEGUARD_PORT: must be an integer/],
    [{ FLAKEGUARD_PORT: "70000" }, /FLAKEGUARD_PORT: must be at most 65535/],
    [{ FLAKEGUARD_ROLE: "boss" }, /FLAKEGUARD_ROLE: must be one of all, api, worker/],
    [{ FLAKEGUARD_MIGRATE: "perhaps" }, /FLAKEGUARD_MIGRATE: must be true or false/],
    [{ FLAKEGUARD_MAX_UPLOAD_BYTES: "lots" }, /FLAKEGUARD_MAX_UPLOAD_BYTES: must be a size/],
    [{ FLAKEGUARD_ADMIN_TOKEN: "short" }, /FLAKEGUARD_ADMIN_TOKEN: must be fga_/],
    [{ FLAKEGUARD_ADMIN_TOKEN_FILE: "/nonexistent/token" }, /FLAKEGUARD_ADMIN_TOKEN_FILE: cannot read/],
  ])("fails fast on bad env %j with one line naming the key", (env, message) => {
    expect(() => loadConfig({ env, cwd: dir() })).toThrow(message);
  });

  it("names unknown keys, bad values and broken files in the config file", () => {
    const a = dir();
    writeFileSync(join(a, "flakeguard.config.json"), JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ env: {}, cwd: a })).toThrow(/unknown setting "prot"/);
    const b = dir();
    writeFileSync(join(b, "flakeguard.config.json"), "{ not json");
    expect(() => loadConfig({ env: {}, cwd: b })).toThrow(/invalid JSON/);
    const c = dir();
    writeFileSync(join(c, "flakeguard.config.ts"), "export default { port: 'x' };");
    expect(() => loadConfig({ env: {}, cwd: c })).toThrow(/flakeguard.config.ts: port: must be an integer/);
    const d = dir();
    writeFileSync(join(d, "flakeguard.config.ts"), "import fs from 'fs-extra'; export default { port: fs.port };");
    expect(() => loadConfig({ env: {}, cwd: d })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, cwd: dir(), configPath: "missing.ts" })).toThrow(/not found/);
  });

  it("loads the example flakeguard.config.ts shipped in the repository", () => {
    const { config, file } = loadConfig({ env: {}, cwd: join(import.meta.dirname, "..", "..") });
    expect(file).toMatch(/flakeguard\.config\.ts$/);
    expect(config.port).toBe(8080);
  });
});
