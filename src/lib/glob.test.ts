import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { glob } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walkGlob } from "./glob.ts";

// The walk stands in for fs.promises.glob on Node 18 and 20 (the light CI client): it must find the same files.
describe("walkGlob", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "fg-glob-"));
    for (const file of [
      ".dot.xml",
      "r.xml",
      "a/junit-1.xml",
      "a/junit-2.json",
      "a/b/TEST-x.xml",
      "a/b/c/TEST-y.xml",
      ".hidden/junit-h.xml",
      "node_modules/x/junit-n.xml",
      "reports/test-results/unit/out.xml",
      "ctrf/ctrf-report.json",
    ]) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), "x");
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const native = async (pattern: string, exclude?: (p: string) => boolean) => {
    const found: string[] = [];
    for await (const m of glob(pattern, { cwd: dir, exclude })) found.push(m);
    return found.sort();
  };

  it.each([
    "**/*.xml",
    "*",
    "*.xml",
    "**/junit*.xml",
    "**/TEST-*.xml",
    "**/test-results/**/*.xml",
    "a/**",
    "./a/*.xml",
    "{a,ctrf}/*.{xml,json}",
    "a/junit-?.xml",
    "a/junit-[12].xml",
    "a/b/TEST-x.xml",
    "missing/*.xml",
    "ctrf/*.json",
  ])("matches what fs.promises.glob matches for %s", async (pattern) => {
    expect((await walkGlob(pattern, dir)).sort()).toEqual(await native(pattern));
  });

  it("takes absolute patterns and answers absolute paths", async () => {
    const pattern = join(dir, "a/*.xml");
    expect(await walkGlob(pattern, "/")).toEqual([join(dir, "a/junit-1.xml")]);
  });

  it("leaves out excluded directories without walking them", async () => {
    const exclude = (p: string) => p.split("/").includes("node_modules");
    expect((await walkGlob("**/junit*.xml", dir, exclude)).sort()).toEqual(await native("**/junit*.xml", exclude));
    expect(await walkGlob("**/junit*.xml", dir, exclude)).not.toContain("node_modules/x/junit-n.xml");
  });
});
