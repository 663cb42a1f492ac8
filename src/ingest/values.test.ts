// secondsToMs reads plain decimals in one pass of its own: it must give exactly what Number() gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sanitizeMs, secondsToMs } from "./values.ts";

const digits = (max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: max }).map((d) => d.join(""));

describe("secondsToMs", () => {
  it("reads every plain decimal exactly as Number() does, long ones included", () => {
    fc.assert(
      fc.property(digits(18), fc.option(digits(25)), (whole, fraction) => {
        const text = fraction === null ? whole : `${whole}.${fraction}`;
        const expected = /\d/.test(text) ? sanitizeMs(Number(text) * 1000) : null;
        expect(secondsToMs(text)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it("still reads the other spellings and refuses what is not a duration", () => {
    expect(secondsToMs("0.1084258")).toBe(108.426);
    expect(secondsToMs("1,234.5")).toBe(1_234_500);
    expect(secondsToMs("1,5")).toBe(1_500);
    expect(secondsToMs(" 2 ")).toBe(2_000);
    expect(secondsToMs("1e-3")).toBe(1);
    expect(secondsToMs(".")).toBeNull();
    expect(secondsToMs("")).toBeNull();
    expect(secondsToMs("0x10")).toBeNull();
    expect(secondsToMs("1.2.3")).toBeNull();
    expect(secondsToMs("-1")).toBeNull();
    expect(secondsToMs("99999999999")).toBeNull();
  });
});
