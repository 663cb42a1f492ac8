import type { ScoringNeeds } from "../model/job.ts";
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
  /** The report's variant ("" when none). */
  variant: string;
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

/**
 * Runs a test's stored overall verdict must count before a pass may go unscored: a margin over `MIN_RUNS`, so
 * the observations a pass pushes out of a full window (with a job re-run whose first run left it) cannot
 * turn the test `new` again.
 */
export const CLEAN_MIN_RUNS = 50;

/**
 * The scoring needs of reports, from what each said about each test and the tests failed on their commits
 * elsewhere; `distinct` when no test is among `tests` twice (the tests of one report).
 */
export function scoringNeeds(
  tests: TestInReport[],
  failedOnSameCommit: ReadonlySet<string>,
  distinct = false,
): ScoringNeeds {
  // Each test once (one report's tests): no map to fold repeats, which for a million tests was a second's turn.
  if (distinct) {
    const testIds: string[] = [];
    const passes: Record<string, string[]> = {};
    for (const t of tests) {
      if (t.failing || t.retried || failedOnSameCommit.has(t.id)) testIds.push(t.id);
      else (passes[t.variant] ??= []).push(t.id);
    }
    return { testIds, passes };
  }
  const must = new Set<string>();
  const passed = new Map<string, string>();
  for (const t of tests) {
    if (must.has(t.id)) continue;
    const seenIn = passed.get(t.id);
    if (t.failing || t.retried || failedOnSameCommit.has(t.id) || (seenIn !== undefined && seenIn !== t.variant)) {
      must.add(t.id);
      passed.delete(t.id);
    } else passed.set(t.id, t.variant);
  }
  return { testIds: [...must], passes: byVariant(passed) };
}

/** Tests by the variant each passed in. */
export function byVariant(passed: Map<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, variant] of passed) (out[variant] ??= []).push(id);
  return out;
}

/**
 * Of the tests reports only saw pass, those whose verdict a rescore can still change: all but those whose
 * stored verdict is clean (`clean(id)` gives the variants of its stored rows, undefined unless its overall
 * verdict is healthy with no failure, evidence or score in its window and at least `CLEAN_MIN_RUNS` runs),
 * in the one variant the test has ever run in, and not quarantined (passes are what release a quarantine).
 *
 * Scoring such a test gives the verdict it has: its window holds passes and skips only, before and after, so
 * status, score, bounds below, failures, last failure and evidence stay as stored. Only `runs`, `failureRate`'s
 * denominator and the upper bound `high` move with each pass; the API reads those of a clean test from its
 * history when it shows them (act/current-verdicts.ts). A test of several variants is always scored: a pass
 * of one pushes the others' observations out of the shared window and can turn one of them `new`.
 */
export function passesToScore(
  passes: Record<string, string[]>,
  clean: (id: string) => readonly string[] | undefined,
  quarantined: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const [variant, ids] of Object.entries(passes)) {
    for (const id of ids) {
      const variants = clean(id);
      const onlyVariant = variants !== undefined && variants.length <= 1 && (variants[0] ?? "") === variant;
      if (!onlyVariant || quarantined.has(id)) out.push(id);
    }
  }
  return out;
}
