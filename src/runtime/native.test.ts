import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDirCandidates, materialise } from "./native.ts";

const bytes = new TextEncoder().encode("pretend shared object");

describe("materialise", () => {
  it("writes the file once under XDG_CACHE_HOME/flakeguard/<hash>/ and reuses it", () => {
    const xdg = mkdtempSync(join(tmpdir(), "fg-xdg-"));
    const file = materialise(bytes, "addon.node", { XDG_CACHE_HOME: xdg });
    expect(file.startsWith(join(xdg, "flakeguard") + "/")).toBe(true);
    expect(file.endsWith("/addon.node")).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("pretend shared object");
    const written = statSync(file).mtimeMs;
    expect(materialise(bytes, "addon.node", { XDG_CACHE_HOME: xdg })).toBe(file);
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("puts different contents in different directories", () => {
    const xdg = mkdtempSync(join(tmpdir(), "fg-xdg-"));
    const a = materialise(bytes, "addon.node", { XDG_CACHE_HOME: xdg });
    const b = materialise(new TextEncoder().encode("another build"), "addon.node", { XDG_CACHE_HOME: xdg });
    expect(a).not.toBe(b);
  });

  it("falls back to the next candidate when a cache directory cannot be created", () => {
    const scratch = mkdtempSync(join(tmpdir(), "fg-blocked-"));
    const blocked = join(scratch, "not-a-dir");
    writeFileSync(blocked, "a file where a directory should be");
    const home = mkdtempSync(join(tmpdir(), "fg-home-"));
    const file = materialise(bytes, "addon.node", { XDG_CACHE_HOME: blocked, HOME: home });
    expect(file.startsWith(join(home, ".cache", "flakeguard") + "/")).toBe(true);
  });

  it("always offers the temp directory last", () => {
    const dirs = cacheDirCandidates({ HOME: "/home/x" });
    expect(dirs[0]).toBe("/home/x/.cache/flakeguard");
    expect(dirs.at(-1)?.startsWith(tmpdir())).toBe(true);
  });
});
