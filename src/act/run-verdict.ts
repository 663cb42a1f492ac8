/** Per-failure verdicts of one CI run: known-flaky, quarantined, new-failure or incident, with a summary. */
import { classifyFailure } from "../analyze/classify.ts";
import type { FailureClass } from "../model/verdict.ts";
import type { Store } from "../store/index.ts";

/** One classified failure of the run. */
export interface ClassifiedFailure {
  testId: string;
  suite: string;
  name: string;
  file: string;
  job: string | null;
  variant: string;
  reportId: string;
  class: FailureClass;
  passedOnRetry: boolean;
  fingerprint: string | null;
  message: string | null;
  verdict: { status: string; score: number; interval: [number, number] } | null;
}

/** The verdict on a run. */
export interface RunVerdict {
  run: string;
  reports: { id: string; job: string | null; state: string; incident: boolean }[];
  summary: Record<FailureClass, number>;
  /** New failures that did not pass on a retry: the ones that should fail the build. */
  blocking: number;
  failures: ClassifiedFailure[];
}

/** The run's verdict, or undefined when the project has no report of that run. */
export async function runVerdict(store: Store, projectId: string, run: string): Promise<RunVerdict | undefined> {
  const reports = await store.history.runReports(projectId, run);
  if (reports.length === 0) return undefined;
  const failures = await store.history.runFailures(projectId, run);
  const testIds = [...new Set(failures.map((f) => f.testId))];
  const [verdicts, incidents, quarantined] = await Promise.all([
    store.verdicts.overallVerdicts(testIds),
    store.incidents.incidentReports(
      projectId,
      reports.map((r) => r.id),
    ),
    store.quarantine.activeFor(testIds),
  ]);
  const classified: ClassifiedFailure[] = failures.map((f) => {
    const verdict = verdicts.get(f.testId);
    const incident = incidents.has(f.reportId);
    const classed = classifyFailure({ verdict, quarantined: quarantined.has(f.testId), incident });
    // A failure that passed on a retry in the same report is flaky by its own evidence.
    const kind = classed === "new-failure" && f.passedOnRetry ? "known-flaky" : classed;
    return {
      testId: f.testId,
      suite: f.suite,
      name: f.name,
      file: f.file,
      job: f.job,
      variant: f.variant,
      reportId: f.reportId,
      class: kind,
      passedOnRetry: f.passedOnRetry,
      fingerprint: f.fingerprint,
      message: f.message,
      verdict: verdict ? { status: verdict.status, score: verdict.score, interval: [verdict.low, verdict.high] } : null,
    };
  });
  const summary: RunVerdict["summary"] = { "known-flaky": 0, quarantined: 0, "new-failure": 0, incident: 0 };
  for (const f of classified) summary[f.class]++;
  const blocking = classified.filter((f) => f.class === "new-failure" && !f.passedOnRetry).length;
  return {
    run,
    reports: reports.map((r) => ({ id: r.id, job: r.job, state: r.state, incident: incidents.has(r.id) })),
    summary,
    blocking,
    failures: classified,
  };
}
