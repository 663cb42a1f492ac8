import { describe, expect, it } from "vitest";
import { decay, noisyOr, streakNeeded, wilsonHigh, wilsonLow } from "./stats.ts";

describe("decay", () => {
  it("halves every half-life and never exceeds 1", () => {
    expect(decay(0, 10)).toBe(1);
    expect(decay(10, 10)).toBeCloseTo(0.5);
    expect(decay(30, 10)).toBeCloseTo(0.125);
    expect(decay(-5, 10)).toBe(1);
  });
});

describe("Wilson interval", () => {
  it("matches known values", () => {
    // 5 of 100: the textbook Wilson 95 % interval is about [0.0215, 0.1118].
    expect(wilsonLow(5, 100)).toBeCloseTo(0.0215, 3);
    expect(wilsonHigh(5, 100)).toBeCloseTo(0.1118, 3);
  });

  it("is [0, 1] with no data, starts at 0 with no failures, and narrows with more data", () => {
    expect([wilsonLow(0, 0), wilsonHigh(0, 0)]).toEqual([0, 1]);
    expect(wilsonLow(0, 50)).toBe(0);
    expect(wilsonHigh(10, 1000) - wilsonLow(10, 1000)).toBeLessThan(wilsonHigh(1, 100) - wilsonLow(1, 100));
  });

  it("accepts fractional (decayed) counts", () => {
    const low = wilsonLow(2.5, 40.25);
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(2.5 / 40.25);
  });
});

describe("noisyOr", () => {
  it("combines evidence without passing 1", () => {
    expect(noisyOr(0, 0)).toBe(0);
    expect(noisyOr(0.5, 0.5)).toBe(0.75);
    expect(noisyOr(1, 0.2)).toBe(1);
  });
});

describe("streakNeeded", () => {
  it("needs longer stretches of failures from tests that already fail often", () => {
    expect(streakNeeded(0, 0.01, 3, 10)).toBe(3);
    expect(streakNeeded(0.02, 0.01, 3, 10)).toBe(3);
    expect(streakNeeded(0.4, 0.01, 3, 10)).toBe(6); // 0.4^6 ≈ 0.004 < 0.01 < 0.4^5
    expect(streakNeeded(0.9, 0.01, 3, 10)).toBe(10);
    expect(streakNeeded(1, 0.01, 3, 10)).toBe(10);
  });
});
