/** Infrastructure incidents: a report where most tests fail together, or fail the same way, is an outage. */
import type { IncidentVerdict, ReportFailureSummary } from "../model/verdict.ts";

/** Below this many tests a failing share means little: two failures out of three is not an outage. */
export const INCIDENT_MIN_TESTS = 10;
/** Half the tests failing at once: independent flakes or one regression almost never do that. */
export const INCIDENT_FAILING_SHARE = 0.5;
/** A shared fingerprint needs this many failures: one or two alike are a coincidence or one bug. */
export const INCIDENT_MIN_SHARED = 5;
/** Share of the failures one fingerprint must hold: an outage fails every test with the same message. */
export const INCIDENT_SHARED_SHARE = 0.8;

/** Whether a report was an infrastructure incident, its dominant fingerprint and why, in plain words. */
export function detectIncident(summary: ReportFailureSummary): IncidentVerdict {
  const { total, failing } = summary;
  const [cause, shared] = dominant(summary.byFingerprint);
  if (failing <= 0) return { incident: false, cause: null, reason: "no failures" };
  if (total >= INCIDENT_MIN_TESTS && failing >= total * INCIDENT_FAILING_SHARE) {
    return { incident: true, cause, reason: `${failing} of ${total} tests failed together${because(cause, shared)}` };
  }
  // No rule on the number of failures alone: a real regression can fail many tests at once, each its
  // own way, and those failures are evidence about the tests (broken), not an outage.
  if (shared >= INCIDENT_MIN_SHARED && shared >= failing * INCIDENT_SHARED_SHARE) {
    return { incident: true, cause, reason: `${shared} of ${failing} failures share one failure fingerprint` };
  }
  return { incident: false, cause: null, reason: `${failing} of ${total} tests failed: not an incident` };
}

// The fingerprint most failures share; ties go to the smallest key so the answer never depends on order.
function dominant(byFingerprint: Record<string, number>): [string | null, number] {
  let best: string | null = null;
  let count = 0;
  for (const key in byFingerprint) {
    const n = byFingerprint[key];
    if (n > count || (n === count && best !== null && key < best)) [best, count] = [key, n];
  }
  return [best, count];
}

function because(cause: string | null, shared: number): string {
  return cause === null ? "" : `; ${shared} of them share fingerprint ${cause}`;
}
