import { describe, expect, it } from "vitest";
import { mergeNeeds, withoutTests } from "./findings.ts";

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

describe("withoutTests", () => {
  it("drops scored tests from both lists and empty variants", () => {
    expect(withoutTests({ testIds: ["a", "b"], passes: { "": ["c", "d"], "os=mac": ["e"] } }, ["b", "c", "e"])).toEqual(
      {
        testIds: ["a"],
        passes: { "": ["d"] },
      },
    );
  });
});
