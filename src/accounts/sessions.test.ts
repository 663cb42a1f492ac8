import { describe, expect, it } from "vitest";
import { expiryAt } from "./sessions.ts";

const HOUR = 3_600_000;

describe("session expiry", () => {
  const times = { sessionTtlMs: 2 * HOUR, sessionMaxAgeMs: 10 * HOUR };

  it("slides: each use moves the end to sessionTtl after it", () => {
    expect(expiryAt(times, 0, 0)).toBe(2 * HOUR);
    expect(expiryAt(times, 0, 3 * HOUR)).toBe(5 * HOUR);
  });

  it("never past sessionMaxAge after sign-in, however much the session is used", () => {
    expect(expiryAt(times, 0, 9 * HOUR)).toBe(10 * HOUR);
    expect(expiryAt(times, 0, 12 * HOUR)).toBe(10 * HOUR);
  });
});
