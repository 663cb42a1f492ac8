import { describe, expect, it } from "vitest";
import type { Verdict, VerdictStatus } from "../model/verdict.ts";
import { classifyFailure } from "./classify.ts";

const verdict = (status: VerdictStatus): Verdict => ({
  status,
  score: 0,
  low: 0,
  high: 1,
  failureRate: 0,
  runs: 0,
  failures: 0,
  lastFailureAt: null,
  evidence: [],
});

describe("classifyFailure", () => {
  it("calls a failure in an incident an incident, whatever else is known", () => {
    expect(classifyFailure({ verdict: verdict("flaky"), quarantined: true, incident: true })).toBe("incident");
  });

  it("calls a quarantined test quarantined before looking at its verdict", () => {
    expect(classifyFailure({ verdict: verdict("flaky"), quarantined: true, incident: false })).toBe("quarantined");
  });

  it("calls a test already known to be flaky known-flaky", () => {
    expect(classifyFailure({ verdict: verdict("flaky"), quarantined: false, incident: false })).toBe("known-flaky");
  });

  it.each(["healthy", "broken", "new"] as const)("calls a failure of a %s test a new failure", (status) => {
    expect(classifyFailure({ verdict: verdict(status), quarantined: false, incident: false })).toBe("new-failure");
  });

  it("calls a failure of a test without a verdict a new failure", () => {
    expect(classifyFailure({ quarantined: false, incident: false })).toBe("new-failure");
  });
});
