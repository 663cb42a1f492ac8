import { describe, expect, it } from "vitest";
import { detectIncident } from "./incidents.ts";

const summary = (total: number, failing: number, byFingerprint: Record<string, number> = {}) => ({
  total,
  failing,
  byFingerprint,
});

describe("detectIncident", () => {
  it("flags a report where most tests fail together, with the dominant fingerprint as cause", () => {
    const v = detectIncident(summary(40, 30, { db: 25, other: 5 }));
    expect(v).toMatchObject({ incident: true, cause: "db" });
    expect(v.reason).toContain("30 of 40 tests failed together");
  });

  it("flags exactly half of ten tests failing", () => {
    expect(detectIncident(summary(10, 5)).incident).toBe(true);
  });

  it("does not flag four of ten tests with different failures", () => {
    expect(detectIncident(summary(10, 4, { a: 1, b: 1, c: 1, d: 1 })).incident).toBe(false);
  });

  it.each([
    [1, 1],
    [3, 2],
    [2, 2],
    [9, 4],
  ])("does not flag a small report (%i tests, %i failing)", (total, failing) => {
    const v = detectIncident(summary(total, failing, { same: failing }));
    expect(v.incident).toBe(false);
    expect(v.cause).toBeNull();
  });

  it("names the dominant fingerprint, ties broken by key, not by insertion order", () => {
    const v = detectIncident(summary(20, 10, { a: 5, b: 5 }));
    expect(v.incident).toBe(true);
    expect(v.cause).toBe("a");
    expect(detectIncident(summary(20, 10, { b: 5, a: 5 })).cause).toBe("a");
  });

  it("does not flag many unrelated failures in a big report (a regression, not an outage)", () => {
    const fps = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, 1]));
    expect(detectIncident(summary(2000, 60, fps)).incident).toBe(false);
  });

  it("flags many failures sharing one fingerprint", () => {
    const v = detectIncident(summary(2000, 6, { "conn-refused": 5, other: 1 }));
    expect(v).toMatchObject({ incident: true, cause: "conn-refused" });
    expect(v.reason).toContain("5 of 6 failures share");
  });

  it("does not flag a shared fingerprint held by too few or too small a share", () => {
    expect(detectIncident(summary(2000, 4, { x: 4 })).incident).toBe(false);
    expect(detectIncident(summary(2000, 10, { x: 7, y: 3 })).incident).toBe(false);
  });

  it("says so when nothing failed", () => {
    expect(detectIncident(summary(0, 0))).toEqual({ incident: false, cause: null, reason: "no failures" });
  });
});
