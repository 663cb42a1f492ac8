import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockDataDir } from "./dir-lock.ts";

describe("lockDataDir", () => {
  it("refuses a directory held by a live process and frees it on release", () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-lock-"));
    const child = spawn("sleep", ["30"]);
    try {
      writeFileSync(join(dir, "flakeguard.lock"), String(child.pid));
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by another flakeguard process \\(pid ${child.pid}\\)`));
    } finally {
      child.kill();
    }
  });

  it("takes over a lock left by a dead process, and releases it", () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-lock-"));
    writeFileSync(join(dir, "flakeguard.lock"), "999999");
    const lock = lockDataDir(dir);
    expect(existsSync(join(dir, "flakeguard.lock"))).toBe(true);
    lock.release();
    expect(existsSync(join(dir, "flakeguard.lock"))).toBe(false);
  });

  it("names a data directory that cannot be created", () => {
    expect(() => lockDataDir("/proc/flakeguard-cannot-be-here")).toThrow(/data directory .* cannot be created/);
  });
});

describe("lockDataDir on odd paths", () => {
  it("creates missing parents", () => {
    const base = mkdtempSync(join(tmpdir(), "fg-lock-"));
    lockDataDir(join(base, "a", "b", "c")).release();
    expect(existsSync(join(base, "a", "b", "c"))).toBe(true);
  });

  it("fails at once under a file or on /proc instead of spinning", () => {
    expect(() => lockDataDir("/etc/hostname/data")).toThrow(/data directory \/etc\/hostname\/data cannot be created/);
    expect(() => lockDataDir("/proc/flakeguard-test/data")).toThrow(/cannot be created/);
  });
});
