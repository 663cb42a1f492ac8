// A fast stand-in for the API replay (accuracy-replay.ts) while trying detection rules: the same parser,
// incident rule, rescore set, history window and scorer, called directly on observations kept in memory —
// no HTTP, no database, no quarantine policy (the API replay also rescores a quarantined test when it
// passes). About 20 s a seed instead of minutes; on 2026-11-27 it gave the API replay's flaky calls exactly
// on seeds 1–5. Figures for the docs still come from the API replay.
import { HISTORY_LIMIT, scoredAt } from "../../src/act/rescore.ts";
import { canonicalVariant, reportRows } from "../../src/ingest/identity.ts";
import { detectIncident } from "../../src/analyze/incidents.ts";
import { testsToRescore, type TestInReport } from "../../src/analyze/rescore-set.ts";
import { scoreTest } from "../../src/analyze/score.ts";
import { reportOutcomes } from "../../src/analyze/summary.ts";
import type { DemoHistory } from "../../src/demo/types.ts";
import { testKey } from "../../src/demo/types.ts";
import { parseReport } from "../../src/ingest/registry.ts";
import type { Observation, VerdictStatus } from "../../src/model/verdict.ts";
import type { Detections } from "./accuracy-baselines.ts";

const HOUR = 3_600_000;

/** Flaky calls (and when) and every test ever called flaky, as the API replay reports them. */
export interface OfflineReplay {
  detections: Detections;
  everFlaky: Set<string>;
}

/** The replay's state after each report, for a section that reads more than verdicts (accuracy-clusters.ts). */
export interface ReplayState {
  /** Uploads replayed so far. */
  n: number;
  /** By test key, in arrival order, and each test's status and runs so far. */
  observations: ReadonlyMap<string, Observation[]>;
  status: ReadonlyMap<string, VerdictStatus>;
  runs: ReadonlyMap<string, number>;
}

/** Replays a history straight through parse → incident → rescore set → scoreTest; `hourlyRescore` as in the API replay. */
export async function replayOffline(
  history: DemoHistory,
  { hourlyRescore = false, afterReport }: { hourlyRescore?: boolean; afterReport?: (state: ReplayState) => void } = {},
): Promise<OfflineReplay> {
  const observations = new Map<string, Observation[]>(); // by test key, in arrival order
  const status = new Map<string, VerdictStatus>();
  const failedOn = new Map<string, Set<string>>(); // commit → tests with a failing attempt there
  const runs = new Map<string, number>();
  const flakySince = new Map<string, number>();
  const everFlaky = new Set<string>();
  const score = (key: string, now: number) => {
    const all = observations.get(key) ?? [];
    const window = all.length > HISTORY_LIMIT ? all.slice(-HISTORY_LIMIT) : all;
    // As the server scores: at the test's newest observation, not the clock (act/rescore.ts scoredAt).
    status.set(
      key,
      scoreTest(window, {
        defaultBranch: history.defaultBranch,
        now: scoredAt(window, now),
        completeHistory: window.length < HISTORY_LIMIT,
      }).overall.status,
    );
  };
  const read = () => {
    for (const key of flakySince.keys()) if (status.get(key) !== "flaky") flakySince.delete(key);
    for (const [key, s] of status) {
      if (s !== "flaky") continue;
      everFlaky.add(key);
      if (!flakySince.has(key)) flakySince.set(key, runs.get(key) ?? 0);
    }
  };
  let tick = Math.floor((history.uploads[0]?.receivedAt ?? 0) / HOUR) * HOUR + 17 * 60_000; // "17 * * * *"
  for (const [n, upload] of history.uploads.entries()) {
    for (; hourlyRescore && tick <= upload.receivedAt; tick += HOUR) {
      for (const key of observations.keys()) score(key, tick);
      read();
    }
    const rows = reportRows("demo", await parseReport(new TextEncoder().encode(upload.junitXml)));
    const outcomes = reportOutcomes(rows);
    const incident = detectIncident(outcomes.summary).incident;
    const { meta, receivedAt } = upload;
    const sameCommit = new Set(failedOn.get(meta.commit));
    const keys = new Map(rows.tests.map((t) => [t.id, testKey(t.suite, t.name)]));
    const seen: TestInReport[] = [];
    for (const [id, key] of keys) {
      const attempts = rows.results.filter((r) => r.testId === id);
      const passed = attempts.some((r) => r.status === "passed");
      const failed = attempts.some((r) => r.status === "failed" || r.status === "error");
      const list = observations.get(key) ?? [];
      list.push({
        reportId: `r${String(n).padStart(6, "0")}`,
        run: meta.run,
        job: meta.job,
        jobAttempt: meta.attempt,
        commit: meta.commit,
        branch: meta.branch,
        pr: meta.pr,
        variant: canonicalVariant(meta.variant),
        receivedAt,
        outcome: passed ? "passed" : (attempts.find((r) => r.final)?.status ?? "failed"),
        retriedPass: passed && failed,
        attempts: attempts.length,
        fingerprint: null,
        incident,
      });
      observations.set(key, list);
      runs.set(key, (runs.get(key) ?? 0) + 1);
      seen.push({
        id: key,
        failing: outcomes.failing.has(id),
        retried: outcomes.retried.has(id),
        incident,
        variant: canonicalVariant(meta.variant),
      });
      if (failed) failedOn.set(meta.commit, (failedOn.get(meta.commit) ?? new Set()).add(key));
    }
    // The server scores the tests whose status may change before it answers, and the rest whose verdict can move right
    // after; here every test of the report is scored, as a full rescore would: the API replay must match it.
    for (const key of new Set([...testsToRescore(seen, (k) => status.get(k), sameCommit), ...keys.values()]))
      score(key, receivedAt);
    read();
    afterReport?.({ n: n + 1, observations, status, runs });
  }
  const detections: Detections = new Map(
    Object.keys(history.truth).map((key) => [
      key,
      {
        flaky: flakySince.has(key),
        detectedAfterRuns: flakySince.get(key) ?? null,
      },
    ]),
  );
  return { detections, everFlaky };
}
