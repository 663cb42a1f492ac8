import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, backoffDelay, describeNetworkError, parseRetryAfter } from "./retry.ts";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-03-02T12:00:00Z");

  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 02 Mar 2025 12:00:30 GMT", now)).toBe(30_000);
  });

  it("treats a date in the past as no wait and nonsense as absent", () => {
    expect(parseRetryAfter("Sun, 02 Mar 2025 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("doubles per failed attempt, jitters within [half, full), and stops growing at the cap", () => {
    expect([1, 2, 3].map((n) => backoffDelay(n, DEFAULT_RETRY_POLICY, () => 0))).toEqual([500, 1000, 2000]);
    expect(backoffDelay(2, DEFAULT_RETRY_POLICY, () => 0.999)).toBeLessThan(2000);
    expect(backoffDelay(20, DEFAULT_RETRY_POLICY, () => 0.999)).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe("describeNetworkError", () => {
  it("shows the cause fetch hides", () => {
    const error = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(describeNetworkError(error)).toBe("fetch failed (ECONNREFUSED)");
  });
});
