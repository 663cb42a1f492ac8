import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { ByteBudget } from "../lib/budget.ts";
import { eachZipFile, extractZip, unsafePath, ZipRefused, type ZipLimits } from "./unzip.ts";

const enc = new TextEncoder();
const LIMITS: ZipLimits = {
  maxZipBytes: 10 * 1024 * 1024,
  maxEntryBytes: 8 * 1024 * 1024,
  maxTotalBytes: 12 * 1024 * 1024,
  maxEntries: 20,
  maxRatio: 200,
};
const zip = (files: Record<string, Uint8Array | string>, level: 0 | 9 = 9) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === "string" ? enc.encode(v) : v])), {
    level,
  });
const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ZipRefused);
  return (e as Error).message;
};

describe("artifact zips", () => {
  it("extracts files with their relative paths and skips directories and unpicked files", async () => {
    const files = await extractZip(
      zip({ "reports/a.xml": "<testsuite/>", "reports/": new Uint8Array(), "b.png": "x" }),
      LIMITS,
      (p) => p.endsWith(".xml"),
    );
    expect(files.map((f) => [f.path, new TextDecoder().decode(f.bytes)])).toEqual([["reports/a.xml", "<testsuite/>"]]);
  });

  it("refuses absolute paths, ../ segments and backslash escapes", async () => {
    expect(unsafePath("a/b.xml")).toBeUndefined();
    expect(unsafePath("/etc/passwd")).toMatch(/absolute/);
    expect(unsafePath("C:\\x.xml")).toMatch(/absolute/);
    expect(unsafePath("a/../../b.xml")).toMatch(/'\.\.'/);
    expect(unsafePath("a\\..\\b.xml")).toMatch(/'\.\.'/);
    expect(await refusal(extractZip(zip({ "ok.xml": "<a/>", "../evil.xml": "<a/>" }), LIMITS))).toMatch(
      /'\.\.\/evil\.xml' has a '\.\.' segment/,
    );
    expect(await refusal(extractZip(zip({ "/abs.xml": "<a/>" }), LIMITS))).toMatch(/absolute/);
  });

  it("refuses a zip bomb by its compression ratio, and oversized entries, totals, counts and zips", async () => {
    expect(await refusal(extractZip(zip({ "bomb.xml": new Uint8Array(4 * 1024 * 1024) }), LIMITS))).toMatch(/zip bomb/);
    expect(
      await refusal(
        extractZip(zip({ "big.xml": new Uint8Array(9 * 1024 * 1024) }, 0), {
          ...LIMITS,
          maxZipBytes: 20 * 1024 * 1024,
        }),
      ),
    ).toMatch(/over the limit of 8388608/);
    const parts = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [`p${i}.xml`, new Uint8Array(5 * 1024 * 1024)]),
    );
    expect(await refusal(extractZip(zip(parts, 0), { ...LIMITS, maxZipBytes: 20 * 1024 * 1024 }))).toMatch(
      /more than 12582912 bytes extracted/,
    );
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}.xml`, "<a/>"]));
    expect(await refusal(extractZip(zip(many), LIMITS))).toMatch(/21 entries/);
    expect(await refusal(extractZip(zip({ "a.xml": "<a/>" }), { ...LIMITS, maxZipBytes: 10 }))).toMatch(
      /over the limit of 10/,
    );
    expect(await refusal(extractZip(enc.encode("not a zip at all, sorry"), LIMITS))).toMatch(/not a readable zip/);
  });

  it("refuses an entry whose header lies about its size (it inflates past what it declared)", async () => {
    const real = new Uint8Array(300_000).fill(65);
    const bytes = zip({ "liar.xml": real });
    // Rewrite the declared uncompressed size (local header offset 22, central directory offset 24) to 1000.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(22, 1000, true);
    for (let i = bytes.byteLength - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) {
        view.setUint32(i + 24, 1000, true);
        break;
      }
    }
    expect(await refusal(extractZip(bytes, LIMITS))).toMatch(/liar\.xml/);
  });

  it("hands files out one at a time, each holding its size of the budget, and nothing from a refused zip", async () => {
    const files = { "a.xml": "a".repeat(3000), "b.xml": "b".repeat(5000), "skip.png": "x", "c.xml": "c".repeat(1000) };
    const budget = new ByteBudget(6000);
    const seen: [string, number, number][] = [];
    await eachZipFile(
      zip(files),
      LIMITS,
      (p) => p.endsWith(".xml"),
      async (f) => {
        seen.push([f.path, f.bytes.byteLength, budget.inUse]);
        await new Promise((r) => setTimeout(r, 5));
      },
      budget,
    );
    expect(seen).toEqual([
      ["a.xml", 3000, 3000],
      ["b.xml", 5000, 5000],
      ["c.xml", 1000, 1000],
    ]);
    expect(budget.inUse).toBe(0);
    // The last entry breaks the total limit: checked on the headers first, so nothing was handed out.
    const handed: string[] = [];
    const tooMuch = zip({ "a.xml": "a", "big.xml": new Uint8Array(LIMITS.maxTotalBytes + 1) });
    expect(
      await refusal(
        eachZipFile(
          tooMuch,
          { ...LIMITS, maxEntryBytes: 16 << 20, maxRatio: 1e9 },
          () => true,
          async (f) => void handed.push(f.path),
        ),
      ),
    ).toMatch(/more than/);
    expect(handed).toEqual([]);
  });
});
