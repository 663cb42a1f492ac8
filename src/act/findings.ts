// What stored reports show besides verdicts: an incident when most of a report's tests failed together, and
// each failure in its group. The analyze stage of the pipeline records them, then picks the tests whose
// verdicts an upload answered in its request must score before answering.
import { detectIncident } from "../analyze/incidents.ts";
import { testsToRescore, type TestInReport } from "../analyze/rescore-set.ts";
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
  rows: ReportRows;
}

/** Records what one stored report shows: an incident when most of its tests failed together, and its failures in their groups. */
export async function recordFindings(store: Store, project: Project, r: StoredReport, now: number) {
  const findings = await recordIncident(store, project, r, now);
  await store.failures.recordFailures(project.id, findings.outcomes.sightings, now);
  return findings;
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
      seen.push({ id: t.id, failing: o.failing.has(t.id), retried: o.retried.has(t.id), incident: incident.incident });
    }
  }
  // One write for the batch's failures: a transaction per report rewrote the same groups' pages report after report.
  await store.failures.recordFailures(project.id, mergeSightings(sightings), now);
  return seen;
}

/**
 * The tests whose status these reports may change (`testsToRescore`), given what they said about each test:
 * the ones an upload answered in its request scores before answering.
 */
export async function testsToScoreNow(
  store: Store,
  project: Project,
  reports: StoredReport[],
  seen: TestInReport[],
): Promise<string[]> {
  const ids = reports.map((r) => r.id);
  const sameCommit = new Set<string>();
  for (const r of reports) {
    if (r.commit) for (const id of await store.history.failedOnCommit(project.id, r.commit, ids)) sameCommit.add(id);
  }
  const testIds = [...new Set(seen.map((t) => t.id))];
  const [statuses, quarantined] = await Promise.all([
    store.verdicts.overallStatuses(testIds),
    store.quarantine.activeFor(testIds),
  ]);
  return [...new Set(testsToRescore(seen, (id) => statuses.get(id), sameCommit, new Set(quarantined.keys())))];
}

/** Records each report's findings and returns the tests to rescore now: recordBatchFindings, then testsToScoreNow. */
export async function recordAndChooseRescore(
  store: Store,
  project: Project,
  reports: StoredReport[],
  now: number,
  publish: Publish = publishNothing,
): Promise<string[]> {
  const seen = await recordBatchFindings(store, project, reports, now, publish);
  return testsToScoreNow(store, project, reports, seen);
}
