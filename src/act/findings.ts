// What stored reports show besides verdicts: an incident when most of a report's tests failed together, and
// each failure in its group. The analyze stage of the pipeline records them, then picks the tests whose
// verdicts an upload answered in its request must score before answering, and what the rescore after needs.
import { detectIncident } from "../analyze/incidents.ts";
import {
  byVariant,
  CLEAN_MIN_RUNS,
  passesToScore,
  scoringNeeds,
  testsToRescore,
  type TestInReport,
} from "../analyze/rescore-set.ts";
import type { ScoringNeeds } from "../model/job.ts";
import { reportOutcomes } from "../analyze/summary.ts";
import { yielder } from "../lib/yield.ts";
import type { ReportRows } from "../model/ingest.ts";
import { publishNothing, type Publish } from "../model/live.ts";
import type { Project } from "../model/project.ts";
import type { FailureSighting } from "../store/failures.ts";
import type { Store } from "../store/index.ts";

/** A stored report and its rows, as the pipeline hands them to analysis. */
export interface StoredReport {
  id: string;
  run: string | null;
  job: string | null;
  commit: string | null;
  variant: string;
  rows: ReportRows;
}

/** A report's outcomes, and its incident recorded when most of its tests failed together. */
async function recordIncident(store: Store, project: Project, r: StoredReport, now: number) {
  const outcomes = reportOutcomes(r.rows);
  const incident = detectIncident(outcomes.summary);
  if (incident.incident) {
    await store.incidents.recordIncident(
      {
        projectId: project.id,
        reportId: r.id,
        run: r.run,
        job: r.job,
        commit: r.commit,
        cause: incident.cause,
        reason: incident.reason,
        failing: outcomes.summary.failing,
        total: outcomes.summary.total,
      },
      now,
    );
  }
  return { outcomes, incident };
}

/** The sightings of several reports as one list: counts of a fingerprint added up, the first report's sample kept. */
function mergeSightings(lists: FailureSighting[][]): FailureSighting[] {
  const merged = new Map<string, FailureSighting>();
  for (const list of lists) {
    for (const s of list) {
      const seen = merged.get(s.fingerprint);
      merged.set(s.fingerprint, seen ? { ...seen, count: seen.count + s.count } : s);
    }
  }
  return [...merged.values()];
}

/** Records the findings of a batch of stored reports (incidents, failure groups); returns what each report said about each test. */
export async function recordBatchFindings(
  store: Store,
  project: Project,
  reports: StoredReport[],
  now: number,
  publish: Publish = publishNothing,
): Promise<TestInReport[]> {
  const seen: TestInReport[] = [];
  const sightings: FailureSighting[][] = [];
  const maybeYield = yielder();
  for (const r of reports) {
    const { outcomes: o, incident } = await recordIncident(store, project, r, now);
    sightings.push(o.sightings);
    if (incident.incident) {
      publish("incident.opened", project.id, {
        project: project.slug,
        reportId: r.id,
        run: r.run,
        job: r.job,
        cause: incident.cause,
      });
    }
    for (let i = 0; i < r.rows.tests.length; i++) {
      if (i % 4096 === 0) await maybeYield(); // a million tests: turns for the event loop (lib/yield.ts)
      const t = r.rows.tests[i];
      seen.push({
        id: t.id,
        failing: o.failing.has(t.id),
        retried: o.retried.has(t.id),
        incident: incident.incident,
        variant: r.variant,
      });
    }
  }
  // One write for the batch's failures: a transaction per report rewrote the same groups' pages report after report.
  await store.failures.recordFailures(project.id, mergeSightings(sightings), now);
  return seen;
}

/** The tests stored reports make worth scoring: those an inline upload scores before answering, and the rescore's needs. */
export interface TestsToScore {
  /** Those whose status the reports may change (`testsToRescore`), when asked: scored before an inline upload answers. */
  now?: string[];
  /** What the rescore after the reports scores (`scoringNeeds`); which of their passes it leaves out it decides when it runs. */
  needs: ScoringNeeds;
}

/** Chooses, from what stored reports said about each test (and, `inline`, the stored verdicts), the tests to score. */
export async function testsToScore(
  store: Store,
  project: Project,
  reports: StoredReport[],
  seen: TestInReport[],
  inline: boolean,
): Promise<TestsToScore> {
  const ids = reports.map((r) => r.id);
  const sameCommit = new Set<string>();
  for (const r of reports) {
    if (r.commit) for (const id of await store.history.failedOnCommit(project.id, r.commit, ids)) sameCommit.add(id);
  }
  const needs = scoringNeeds(seen, sameCommit, reports.length === 1); // one report names each test once
  if (!inline) return { needs };
  const testIds = [...new Set(seen.map((t) => t.id))];
  const [statuses, quarantined] = await Promise.all([
    store.verdicts.overallStatuses(testIds),
    store.quarantine.activeFor(testIds),
  ]);
  const held = new Set(quarantined.keys());
  return { now: [...new Set(testsToRescore(seen, (id) => statuses.get(id), sameCommit, held))], needs };
}

/**
 * The tests a rescore scores for `needs`: those the reports require, and of those they only saw pass, the
 * ones whose stored verdict is not clean now (`passesToScore`). The rescore job calls it under the project's
 * lock, and a project's rescore jobs run one at a time across replicas: a verdict read here was saved by a
 * rescore that read the history before, and if that history lacked these reports, a clean verdict stays
 * clean with their passes added.
 */
export async function testsNeedingScore(store: Store, projectId: string, needs: ScoringNeeds): Promise<string[]> {
  const passed = Object.values(needs.passes).flat();
  if (passed.length === 0) return needs.testIds;
  // The project's quarantines, not those of the passed tests: a million ids in one IN list was one
  // synchronous SQLite query of seconds (bench:ingest --stall), and a project holds few quarantines.
  const [clean, quarantined] = await Promise.all([
    store.verdicts.cleanVerdicts(passed, CLEAN_MIN_RUNS),
    store.quarantine.listActive(projectId),
  ]);
  const moving = passesToScore(needs.passes, (id) => clean.get(id), new Set(quarantined.map((q) => q.testId)));
  return [...needs.testIds, ...moving];
}

/** Two rescores' needs as one (due jobs of a project are merged): a test passed in two variants must be scored. */
export function mergeNeeds(a: ScoringNeeds, b: ScoringNeeds): ScoringNeeds {
  // One job alone (the usual case, and a huge report's): nothing to merge, and no million-id loop in one turn.
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  const must = new Set([...a.testIds, ...b.testIds]);
  const passed = new Map<string, string>();
  for (const needs of [a, b]) {
    for (const [variant, ids] of Object.entries(needs.passes)) {
      for (const id of ids) {
        if (must.has(id)) continue;
        const seenIn = passed.get(id);
        if (seenIn !== undefined && seenIn !== variant) {
          must.add(id);
          passed.delete(id);
        } else passed.set(id, variant);
      }
    }
  }
  return { testIds: [...must], passes: byVariant(passed) };
}

const isEmpty = (needs: ScoringNeeds): boolean =>
  needs.testIds.length === 0 && Object.values(needs.passes).every((ids) => ids.length === 0);

/** `needs` less some tests (scored already). */
export function withoutTests(needs: ScoringNeeds, scored: readonly string[]): ScoringNeeds {
  const done = new Set(scored);
  const passes: Record<string, string[]> = {};
  for (const [variant, ids] of Object.entries(needs.passes)) {
    const left = ids.filter((id) => !done.has(id));
    if (left.length > 0) passes[variant] = left;
  }
  return { testIds: needs.testIds.filter((id) => !done.has(id)), passes };
}
