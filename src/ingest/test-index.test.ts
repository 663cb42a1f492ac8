import { describe, expect, it } from "vitest";
import type { ParsedTest } from "../model/report.ts";
import { TestIndex } from "./test-index.ts";

const test = (suite: string, name: string, file?: string): ParsedTest => ({
  suite,
  name,
  file,
  properties: {},
  attempts: [{ status: "passed", durationMs: null }],
  outcome: "passed",
  flaky: false,
});

// Adds each test the index does not know yet; returns the position each one was found at or added to.
function fold(index: TestIndex, tests: ParsedTest[], incoming: ParsedTest[]): number[] {
  return incoming.map((t) => {
    const found = index.find(t.suite, t.name, t.file);
    if (found >= 0) return found;
    tests.push(t);
    index.add(tests.length - 1);
    return tests.length - 1;
  });
}

describe("TestIndex", () => {
  it("finds a test by suite, name and file across table growth", () => {
    const tests: ParsedTest[] = [];
    const index = new TestIndex(tests);
    const names = Array.from({ length: 5_000 }, (_, i) => test(`Suite${i % 7}`, `test ${i}`));
    expect(fold(index, tests, names)).toEqual(names.map((_, i) => i));
    expect(fold(index, tests, [test("Suite3", "test 3"), test("Suite1", "test 4999")])).toEqual([3, 4999]);
    expect(tests).toHaveLength(5_000);
  });

  it("tells apart the same name in another suite or file, and a missing file from an empty one", () => {
    const tests: ParsedTest[] = [];
    const index = new TestIndex(tests);
    const incoming = [test("A", "t"), test("B", "t"), test("A", "t", "a.ts"), test("A", "t", ""), test("A", "t"), test("A", "t", "a.ts")];
    expect(fold(index, tests, incoming)).toEqual([0, 1, 2, 3, 0, 2]);
  });

  it("stays correct when thousands of tests share a name (equal hashes: falls back to a Map)", () => {
    const tests: ParsedTest[] = [];
    const index = new TestIndex(tests);
    const same = Array.from({ length: 2_000 }, (_, i) => test(`Suite${i}`, "same name"));
    const others = Array.from({ length: 500 }, (_, i) => test("Other", `other ${i}`));
    expect(fold(index, tests, [...others, ...same])).toEqual([...others, ...same].map((_, i) => i));
    expect(fold(index, tests, [test("Suite1999", "same name"), test("Other", "other 499"), test("New", "same name")])).toEqual([2499, 499, 2500]);
  });
});
