import { detectIncident } from "../analyze/incidents.ts";
import { scoreTest } from "../analyze/score.ts";
import { testsToRescore, type TestInReport } from "../analyze/rescore-set.ts";
import { reportOutcomes } from "../analyze/summary.ts";
import type { ReportRows } from "../model/ingest.ts";
import { publishNothing, type Publish } from "../model/live.ts";
import type { Project } from "../model/project.ts";
import type { Observation, TestVerdicts } from "../model/verdict.ts";
import type { FailureSighting } from "../store/failures.ts";
import type { ReportCache } from "../store/history.ts";
import type { Store } from "../store/index.ts";
import { verdictChangeWrite } from "../notify/changes.ts";
import { applyQuarantinePolicy } from "./quarantine.ts";

/**
 * Observations per test the scorer looks at: enough that a rare flake's evidence stays in view (a 2 % flake
 * fails ~10 times in 500 runs), bounded for speed. With 200, a full rescore turned 2–5 % flakes healthy
 * again as soon as their few failures left the window, long before their evidence had decayed
 * (bench:accuracy --hourly-rescore: recall 0.927 on two seeds; 400: ≥ 0.976; 600: 1.000).
 */
export const HISTORY_LIMIT = 500;

/**
 * Tests scored per batch, ~12,500 observations at most. Small on purpose: a batch's histories are read and
 * scored in one go, and with SQLite's synchronous driver nothing else runs meanwhile. 500 tests × 200
 * observations made the hourly full rescore hold ~300 MB of heap and block uploads for seconds.
 */
export const RESCORE_BATCH = 25;

/** A stored report and its rows, as the pipeline hands them to detection. */
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

/**
 * Detection after a report is stored: records an incident when most tests failed together, adds its
 * failures to their groups, and rescores at once the tests whose status the report may change
 * (`testsToRescore`); the rest of its tests wait for the worker's merged rescore (pipeline-analyze.ts).
 */
export async function detectAfterIngest(
  store: Store,
  project: Project,
  reports: StoredReport[],
  now: number,
  publish: Publish = publishNothing,
): Promise<number> {
  return rescoreTests(
    store,
    project,
    await recordAndChooseRescore(store, project, reports, now, publish),
    now,
    publish,
  );
}

/** detectAfterIngest without the rescore: records each report's findings and returns the tests to rescore now. */
export async function recordAndChooseRescore(
  store: Store,
  project: Project,
  reports: StoredReport[],
  now: number,
  publish: Publish = publishNothing,
): Promise<string[]> {
  const { seen, sameCommit } = await recordBatchFindings(store, project, reports, now, publish);
  const testIds = [...new Set(seen.map((t) => t.id))];
  const [statuses, quarantined] = await Promise.all([
    store.verdicts.overallStatuses(testIds),
    store.quarantine.activeFor(testIds),
  ]);
  return [...new Set(testsToRescore(seen, (id) => statuses.get(id), sameCommit, new Set(quarantined.keys())))];
}

/** Records the findings of a batch of stored reports (incidents, failure groups); returns what each report said about each test. */
export async function recordBatchFindings(
  store: Store,
  project: Project,
  reports: StoredReport[],
  now: number,
  publish: Publish = publishNothing,
  sameCommitToo = true,
) {
  const seen: TestInReport[] = [];
  const sameCommit = new Set<string>();
  const ids = reports.map((r) => r.id);
  const sightings: FailureSighting[][] = [];
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
    for (const t of r.rows.tests) {
      seen.push({ id: t.id, failing: o.failing.has(t.id), retried: o.retried.has(t.id), incident: incident.incident });
    }
    if (sameCommitToo && r.commit)
      for (const id of await store.history.failedOnCommit(project.id, r.commit, ids)) sameCommit.add(id);
  }
  // One write for the batch's failures: a transaction per report rewrote the same groups' pages report after report.
  await store.failures.recordFailures(project.id, mergeSightings(sightings), now);
  return { seen, sameCommit };
}

/**
 * Rescores tests from their stored history and saves the verdicts; returns how many were scored. Announces both live.
 * A project's rescores in this process run one at a time: two side by side (an upload's and the worker's)
 * could save in the other order than they read, leaving a verdict scored from the older history.
 */
export function rescoreTests(
  store: Store,
  project: Project,
  testIds: string[],
  now: number,
  publish: Publish = publishNothing,
): Promise<number> {
  return store.rescores.run(project.id, () => rescoreUnlocked(store, project, testIds, now, publish));
}

/**
 * The time a test's verdict is scored at: its newest observation's arrival, not the clock. Decay and "recent"
 * are measured from the test's own latest run, so a verdict is a function of its stored history alone — the
 * same whenever, and on whichever backend, it is computed — and moves only when the test runs again.
 */
export function scoredAt(history: readonly Observation[], fallback: number): number {
  let at = -Infinity;
  for (const o of history) if (o.receivedAt > at) at = o.receivedAt;
  return at === -Infinity ? fallback : at;
}

async function rescoreUnlocked(
  store: Store,
  project: Project,
  testIds: string[],
  now: number,
  publish: Publish,
): Promise<number> {
  const changed = { quarantined: [] as string[], released: [] as string[] };
  // Read once for all batches: every batch's tests ran in mostly the same reports.
  const reports: ReportCache = new Map();
  // The next batches' histories are read while this one is scored and saved, where reads run side by side.
  const read = (i: number) => {
    const histories = store.history.observations(testIds.slice(i, i + RESCORE_BATCH), HISTORY_LIMIT, reports);
    histories.catch(() => undefined); // a read ahead still pending when a batch fails must not be an unhandled rejection
    return histories;
  };
  const ahead: ReturnType<typeof read>[] = [];
  for (let i = 0; i < testIds.length; i += RESCORE_BATCH) {
    const batch = testIds.slice(i, i + RESCORE_BATCH);
    if (ahead.length === 0) ahead.push(read(i));
    for (
      let next = i + ahead.length * RESCORE_BATCH;
      ahead.length < store.history.readsAtOnce && next < testIds.length;
      next += RESCORE_BATCH
    )
      ahead.push(read(next));
    const histories = await ahead.shift()!;
    const verdicts = new Map<string, TestVerdicts>();
    for (const id of batch) {
      const history = histories.get(id) ?? [];
      const ctx = {
        defaultBranch: project.defaultBranch,
        now: scoredAt(history, now),
        completeHistory: history.length < HISTORY_LIMIT,
      };
      verdicts.set(id, scoreTest(history, ctx));
    }
    const before = await store.verdicts.overallStatuses(batch);
    await store.verdicts.saveVerdicts(
      project.id,
      verdicts,
      now,
      await verdictChangeWrite(store, project, before, verdicts, now),
    );
    const applied = await applyQuarantinePolicy(store, project, verdicts, histories, now);
    changed.quarantined.push(...applied.quarantined);
    changed.released.push(...applied.released);
    // Let requests waiting on the event loop in between: a full rescore of a big project takes seconds.
    if (i + RESCORE_BATCH < testIds.length) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (testIds.length > 0) publish("verdicts.changed", project.id, { project: project.slug, tests: testIds.length });
  if (changed.quarantined.length + changed.released.length > 0)
    publish("quarantine.changed", project.id, { project: project.slug, ...changed });
  return testIds.length;
}
