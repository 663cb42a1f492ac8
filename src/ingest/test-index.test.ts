import { describe, expect, it } from "vitest";
import { StringPool } from "./strings.ts";
import { TestIndex, type KeyMix } from "./test-index.ts";

interface Key {
  suite: string;
  name: string;
  file?: string;
}

const key = (suite: string, name: string, file?: string): Key => ({ suite, name, file });

// Adds each key the index does not know yet; returns the ordinal each one was found at or added as.
function fold(index: TestIndex, pools: { suites: StringPool; files: StringPool }, incoming: Key[]): number[] {
  return incoming.map((k) => {
    const suite = pools.suites.id(k.suite);
    const file = k.file === undefined ? -1 : pools.files.id(k.file);
    const found = index.find(suite, k.name, file);
    return found >= 0 ? found : index.add();
  });
}

const setup = (mix?: KeyMix) => ({
  index: new TestIndex(mix),
  pools: { suites: new StringPool(), files: new StringPool() },
});

describe("TestIndex", () => {
  it("finds a test by suite, name and file across table growth", () => {
    const { index, pools } = setup();
    const names = Array.from({ length: 5_000 }, (_, i) => key(`Suite${i % 7}`, `test ${i}`));
    expect(fold(index, pools, names)).toEqual(names.map((_, i) => i));
    expect(fold(index, pools, [key("Suite3", "test 3"), key("Suite1", "test 4999")])).toEqual([3, 4999]);
    expect(index.size).toBe(5_000);
  });

  it("tells apart the same name in another suite or file, and a missing file from an empty one", () => {
    const { index, pools } = setup();
    const incoming = [
      key("A", "t"),
      key("B", "t"),
      key("A", "t", "a.ts"),
      key("A", "t", ""),
      key("A", "t"),
      key("A", "t", "a.ts"),
    ];
    expect(fold(index, pools, incoming)).toEqual([0, 1, 2, 3, 0, 2]);
  });

  it("compares names exactly, including characters above U+00FF and names that differ only there", () => {
    const { index, pools } = setup();
    const incoming = [
      key("A", "caf\u00e9"),
      key("A", "caf\u0169"),
      key("A", "\u4e2d\u6587 test"),
      key("A", "cafe"),
      key("A", "caf\u0169"),
      key("A", "\u4e2d\u6587 test"),
    ];
    expect(fold(index, pools, incoming)).toEqual([0, 1, 2, 3, 1, 2]);
  });

  it("stays correct when thousands of keys collide (falls back to a Map, wide names included)", () => {
    // Every key hashes alike, as crafted names could: the probe walk passes its bound and the index switches.
    const { index, pools } = setup(() => 7);
    const same = Array.from({ length: 2_000 }, (_, i) => key("Suite", "same name \u4e2d", `f${i}.ts`));
    const others = Array.from({ length: 500 }, (_, i) => key("Other", `other ${i}`));
    expect(fold(index, pools, [...others, ...same])).toEqual([...others, ...same].map((_, i) => i));
    expect(
      fold(index, pools, [
        key("Suite", "same name \u4e2d", "f1999.ts"),
        key("Other", "other 499"),
        key("New", "same name \u4e2d"),
      ]),
    ).toEqual([2499, 499, 2500]);
  });
});
