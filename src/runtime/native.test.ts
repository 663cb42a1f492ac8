import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDirCandidates, materialise } from "./native.ts";

const bytes = () => new TextEncoder().encode("pretend shared object");

describe("materialise", () => {
  it("writes the file once under XDG_CACHE_HOME/flakeguard/<hash>/ and reuses it", () => {
    const xdg = mkdtempSync(join(tmpdir(), "fg-xdg-"));
    const file = materialise("aaaa", "addon.node", bytes, { XDG_CACHE_HOME: xdg });
    expect(file).toBe(join(xdg, "flakeguard", "aaaa", "addon.node"));
    expect(readFileSync(file, "utf8")).toBe("pretend shared object");
    const written = statSync(file).mtimeMs;
    expect(materialise("aaaa", "addon.node", bytes, { XDG_CACHE_HOME: xdg })).toBe(file);
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("puts different hashes in different directories and does not read a cached file again", () => {
    const xdg = mkdtempSync(join(tmpdir(), "fg-xdg-"));
    const a = materialise("aaaa", "addon.node", bytes, { XDG_CACHE_HOME: xdg });
    const b = materialise("bbbb", "addon.node", () => new TextEncoder().encode("another build"), {
      XDG_CACHE_HOME: xdg,
    });
    expect(a).not.toBe(b);
    expect(readFileSync(b, "utf8")).toBe("another build");
    const unreadable = () => {
      throw new Error("read although cached");
    };
    expect(materialise("aaaa", "addon.node", unreadable, { XDG_CACHE_HOME: xdg })).toBe(a);
  });

  it("falls back to the next candidate when a cache directory cannot be created", () => {
    const scratch = mkdtempSync(join(tmpdir(), "fg-blocked-"));
    const blocked = join(scratch, "not-a-dir");
    writeFileSync(blocked, "a file where a directory should be");
    const home = mkdtempSync(join(tmpdir(), "fg-home-"));
    const file = materialise("aaaa", "addon.node", bytes, { XDG_CACHE_HOME: blocked, HOME: home });
    expect(file.startsWith(join(home, ".cache", "flakeguard") + "/")).toBe(true);
  });

  it("always offers the temp directory last", () => {
    const dirs = cacheDirCandidates({ HOME: "/home/x" });
    expect(dirs[0]).toBe("/home/x/.cache/flakeguard");
    expect(dirs.at(-1)?.startsWith(tmpdir())).toBe(true);
  });
});
