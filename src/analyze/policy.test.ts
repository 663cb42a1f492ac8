import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, parsePolicy, storedPolicy } from "./policy.ts";

describe("parsePolicy", () => {
  it("takes FlakeGuard keys over the defaults", () => {
    const r = parsePolicy({ threshold: 0.7, cap: 3, exempt: ["e2e.*"], mode: "skip", branches: ["main"] });
    expect(r).toEqual({
      ok: true,
      policy: { ...DEFAULT_POLICY, threshold: 0.7, cap: 3, exempt: ["e2e.*"], mode: "skip", branches: ["main"] },
    });
  });

  it("maps the legacy .flakeguard.yml keys, both exempt lists together", () => {
    const r = parsePolicy({
      flaky_threshold: 0.4,
      warn_threshold: 0.05,
      min_occurrences: 8,
      min_recent_failures: 3,
      lookback_days: 14,
      rolling_window_size: 50,
      exempted_tests: ["Suite::slow*"],
      exclude_paths: ["test/e2e/*"],
      auto_quarantine_enabled: false,
      quarantine_duration_days: 7,
    });
    expect(r.ok && r.policy).toEqual({
      ...DEFAULT_POLICY,
      threshold: 0.4,
      releaseRate: 0.05,
      minRuns: 8,
      minFailures: 3,
      lookbackDays: 14,
      window: 50,
      exempt: ["Suite::slow*", "test/e2e/*"],
      autoQuarantine: false,
      expiryDays: 7,
    });
  });

  it("names unknown keys and bad values", () => {
    const r = parsePolicy({ threshold: 2, colour: "red", flaky: true, mode: "hide" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toBe("unknown policy keys: colour, flaky");
    expect(r.errors).toContain("threshold must be a number from 0 to 1");
    expect(r.errors).toContain("mode must be 'mute' or 'skip'");
  });

  it("refuses what is not an object, and integers that are not", () => {
    expect(parsePolicy([]).ok).toBe(false);
    expect(parsePolicy({ cap: 1.5 })).toEqual({ ok: false, errors: ["cap must be an integer from 0 to 100000"] });
  });

  it("reads stored policies leniently: unknown keys dropped, bad ones back to the defaults", () => {
    expect(storedPolicy(undefined)).toEqual(DEFAULT_POLICY);
    expect(storedPolicy({ cap: 4, gone: 1 }).cap).toBe(4);
    expect(storedPolicy({ cap: -1 })).toEqual(DEFAULT_POLICY);
  });
});
