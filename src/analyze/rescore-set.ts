import type { VerdictStatus } from "../model/verdict.ts";

/** What one report says about one test, as far as choosing whom to rescore goes. */
export interface TestInReport {
  id: string;
  /** Failed and never passed in the report. */
  failing: boolean;
  /** Failed, then passed on a retry in the report. */
  retried: boolean;
  /** The report was an incident: its failures are no evidence. */
  incident: boolean;
}

/**
 * The tests whose verdict this report may change, so only they are rescored from history (scoring every
 * test of every report would cost more than storing it). None from an incident report (it does not
 * count); otherwise a test with no verdict or a `new` one;
 * a failure (unless already broken: it stays broken); a retry (unless already flaky); a pass of a broken
 * test (it may have recovered), or of a healthy test that failed on the same commit elsewhere (same-commit
 * evidence), or of a quarantined test (its passes are what release it). These are scored before an inline
 * upload is answered; every test of the report, these included, is rescored by the worker right after
 * (src/pipeline/act.ts), so no verdict is left scored from a history without the report.
 */
export function testsToRescore(
  tests: TestInReport[],
  status: (id: string) => VerdictStatus | undefined,
  failedOnSameCommit: ReadonlySet<string>,
  quarantined: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  for (const t of tests) {
    if (t.incident) continue; // nothing in an incident report counts, passes included
    const s = status(t.id);
    if (s === undefined || s === "new") out.push(t.id);
    else if (t.failing) {
      if (s !== "broken") out.push(t.id);
    } else if (t.retried) {
      if (s !== "flaky") out.push(t.id);
    } else if (s === "broken" || quarantined.has(t.id) || (s === "healthy" && failedOnSameCommit.has(t.id)))
      out.push(t.id);
  }
  return out;
}
