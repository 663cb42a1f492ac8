import { describe, expect, it } from "vitest";
import { sortInSlices } from "./sort-in-slices.ts";

describe("sortInSlices", () => {
  it("sorts like Array.prototype.sort across buckets, equal keys in input order", async () => {
    const keys = ["b2", "a", "ab", "", "b1", "zz9", "ab", "a0", "ZZ"];
    const items = keys.map((k, i) => ({ k, i }));
    const sorted = await sortInSlices(
      items,
      (x) => x.k,
      () => undefined,
    );
    expect(sorted.map((x) => x.k)).toEqual([...keys].sort());
    expect(sorted.filter((x) => x.k === "ab").map((x) => x.i)).toEqual([2, 6]);
  });

  it("gives the event loop a turn while it works", async () => {
    let turns = 0;
    const ids = Array.from({ length: 10_000 }, (_, i) => (i * 7919).toString(16).padStart(8, "0"));
    await sortInSlices(
      ids,
      (x) => x,
      () => {
        turns++;
        return undefined;
      },
    );
    expect(turns).toBeGreaterThan(2);
  });
});
