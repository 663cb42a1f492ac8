import { describe, expect, it } from "vitest";
import { mergeNeeds } from "./findings.ts";

describe("mergeNeeds", () => {
  it("merges two rescores' needs: a test passed in two variants across them must be scored", () => {
    const merged = mergeNeeds(
      { testIds: ["a"], passes: { "os=linux": ["b", "c"], "": ["a"] } },
      { testIds: ["d"], passes: { "os=mac": ["c"], "os=linux": ["b"] } },
    );
    expect(merged.testIds.sort()).toEqual(["a", "c", "d"]);
    expect(merged.passes).toEqual({ "os=linux": ["b"] });
  });
});
