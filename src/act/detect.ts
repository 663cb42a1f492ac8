import { detectIncident } from "../analyze/incidents.ts";
import { scoreTest } from "../analyze/score.ts";
import { reportOutcomes } from "../analyze/summary.ts";
import type { ReportRows } from "../model/ingest.ts";
import type { Project } from "../model/project.ts";
import type { TestVerdicts } from "../model/verdict.ts";
import type { Store } from "../store/index.ts";

/** Observations per test the scorer looks at: enough for rare flakes, bounded for speed. */
export const HISTORY_LIMIT = 200;

/** A stored report and its rows, as the pipeline hands them to detection. */
export interface StoredReport {
  id: string;
  run: string | null;
  job: string | null;
  commit: string | null;
  rows: ReportRows;
}

/**
 * Detection after a report is stored: records an incident when most tests failed together, adds its
 * failures to their groups, and rescores the tests it touched — every test that failed in it, and every
 * test not known to be clean (healthy, never failing). A clean test that passed again keeps its verdict
 * until the scheduled full rescore (incremental: not a recompute of every test per upload).
 */
export async function detectAfterIngest(store: Store, project: Project, reports: StoredReport[], now: number): Promise<number> {
  const candidates = new Set<string>();
  const touched = new Set<string>();
  for (const r of reports) {
    const o = reportOutcomes(r.rows);
    const incident = detectIncident(o.summary);
    if (incident.incident) {
      await store.incidents.recordIncident({
        projectId: project.id, reportId: r.id, run: r.run, job: r.job, commit: r.commit, cause: incident.cause,
        reason: incident.reason, failing: o.summary.failing, total: o.summary.total,
      }, now);
    }
    await store.failures.recordFailures(project.id, o.sightings, now);
    for (const t of r.rows.tests) candidates.add(t.id);
    for (const id of o.touched) touched.add(id);
  }
  const clean = await store.verdicts.cleanAmong([...candidates].filter((id) => !touched.has(id)));
  const rescore = [...candidates].filter((id) => touched.has(id) || !clean.has(id));
  return rescoreTests(store, project, rescore, now);
}

/** Rescores tests from their stored history and saves the verdicts; returns how many were scored. */
export async function rescoreTests(store: Store, project: Project, testIds: string[], now: number): Promise<number> {
  const ctx = { defaultBranch: project.defaultBranch, now };
  for (let i = 0; i < testIds.length; i += 500) {
    const batch = testIds.slice(i, i + 500);
    const histories = await store.history.observations(batch, HISTORY_LIMIT);
    const verdicts = new Map<string, TestVerdicts>();
    for (const id of batch) verdicts.set(id, scoreTest(histories.get(id) ?? [], ctx));
    await store.verdicts.saveVerdicts(project.id, verdicts, now);
  }
  return testIds.length;
}
