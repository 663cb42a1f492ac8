/** How one failing test of a CI run is classified for PR checks and the run wrapper. */
import type { FailureClass, Verdict } from "../model/verdict.ts";

/** What is known about one failure: the test's verdict before this run, quarantine, and the report. */
export interface FailureFacts {
  verdict?: Verdict;
  quarantined: boolean;
  incident: boolean;
}

/**
 * Classify a failure. An incident comes first (the test is not to blame); then quarantine (the team
 * already decided); then a known flaky verdict; anything else is a new failure, likely a real break.
 */
export function classifyFailure(facts: FailureFacts): FailureClass {
  if (facts.incident) return "incident";
  if (facts.quarantined) return "quarantined";
  if (facts.verdict?.status === "flaky") return "known-flaky";
  return "new-failure";
}
