// Scoring tests from their stored history and acting on the verdicts: saved with the notifications of those
// that changed, and the project's quarantine policy applied. The pipeline's act stage, the rescore job and
// quarantine expiry all come here.
import { scoreTest, scoringScratch, type ScoringScratch } from "../analyze/score.ts";
import { publishNothing, type Publish } from "../model/live.ts";
import type { Project } from "../model/project.ts";
import type { Observation, TestVerdicts } from "../model/verdict.ts";
import type { ReportCache } from "../store/history.ts";
import type { Store } from "../store/index.ts";
import { verdictChangeWrite } from "../notify/changes.ts";
import { yielder } from "../lib/yield.ts";
import { applyQuarantinePolicy } from "./quarantine.ts";

/**
 * Observations per test the scorer looks at: enough that a rare flake's evidence stays in view (a 2 % flake
 * fails ~10 times in 500 runs), bounded for speed. With 200, a full rescore turned 2–5 % flakes healthy
 * again as soon as their few failures left the window, long before their evidence had decayed
 * (bench:accuracy --hourly-rescore: recall 0.927 on two seeds; 400: ≥ 0.976; 600: 1.000).
 */
export const HISTORY_LIMIT = 500;

/**
 * Observations a batch of tests holds at most, and its tests at least and at most. A batch's histories are
 * read and scored in one go, and with SQLite's synchronous driver nothing else runs meanwhile: 500 tests ×
 * 200 observations made the hourly full rescore hold ~300 MB of heap and block uploads for seconds. So the
 * first batch has `RESCORE_BATCH` tests and each next one as many as its predecessor's histories say fit
 * the budget: a wide report's new tests (one or two observations each) go 2,000 at a time, not 25 — each
 * batch also reads statuses, quarantines and the policy, which cost 800 round trips for 20,000 tests.
 */
export const RESCORE_BATCH = 25;
const BATCH_OBSERVATIONS = 12_500;
const MAX_BATCH = 2_000;

/** Told after each batch how many of a rescore's tests are scored, and of how many (act/progress.ts throttles the writes). */
export type RescoreProgress = (done: number, total: number) => Promise<void> | void;

/**
 * Rescores tests from their stored history and saves the verdicts; returns how many were scored. Announces both live.
 * `testIds` may be a function that chooses them, called once the project's lock is held.
 * A project's rescores in this process run one at a time: two side by side (an upload's and the worker's)
 * could save in the other order than they read, leaving a verdict scored from the older history.
 */
export function rescoreTests(
  store: Store,
  project: Project,
  testIds: string[] | (() => Promise<string[]>),
  now: number,
  publish: Publish = publishNothing,
  onProgress?: RescoreProgress,
): Promise<number> {
  // Tests given as a function are chosen inside the lock: from verdicts no rescore of this process is saving.
  return store.rescores.run(project.id, async () =>
    rescoreUnlocked(
      store,
      project,
      typeof testIds === "function" ? await testIds() : testIds,
      now,
      publish,
      onProgress,
    ),
  );
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

/** A test's verdicts from its stored history (its newest `HISTORY_LIMIT` observations), as a rescore saves them. */
export function scoreHistory(
  history: readonly Observation[],
  project: Project,
  now: number,
  scratch: ScoringScratch = scoringScratch(),
): TestVerdicts {
  const ctx = {
    defaultBranch: project.defaultBranch,
    now: scoredAt(history, now),
    completeHistory: history.length < HISTORY_LIMIT,
  };
  return scoreTest(history, ctx, scratch);
}

async function rescoreUnlocked(
  store: Store,
  project: Project,
  testIds: string[],
  now: number,
  publish: Publish,
  onProgress?: RescoreProgress,
): Promise<number> {
  const changed = { quarantined: [] as string[], released: [] as string[] };
  // Read once for all batches: every batch's tests ran in mostly the same reports.
  const reports: ReportCache = new Map();
  // The next batches' histories are read while this one is scored and saved, where reads run side by side.
  let size = RESCORE_BATCH;
  let done = 0;
  let next = 0;
  const ahead: { batch: string[]; histories: Promise<Map<string, Observation[]>> }[] = [];
  const readAhead = () => {
    while (ahead.length < store.history.readsAtOnce && next < testIds.length) {
      const batch = testIds.slice(next, next + size);
      next += batch.length;
      const histories = store.history.observations(batch, HISTORY_LIMIT, reports);
      histories.catch(() => undefined); // a read ahead still pending when a batch fails must not be an unhandled rejection
      ahead.push({ batch, histories });
    }
  };
  // One set of commit indexes for the whole run: each test is scored synchronously, and scoring resets them.
  const scratch = scoringScratch();
  const maybeYield = yielder();
  for (readAhead(); ahead.length > 0; readAhead()) {
    const { batch, histories: read } = ahead.shift()!;
    const histories = await read;
    let observations = 0;
    const verdicts = new Map<string, TestVerdicts>();
    for (const id of batch) {
      const history = histories.get(id) ?? [];
      observations += history.length;
      verdicts.set(id, scoreHistory(history, project, now, scratch));
    }
    size = Math.max(
      RESCORE_BATCH,
      Math.min(MAX_BATCH, Math.floor(BATCH_OBSERVATIONS / (observations / batch.length || 1))),
    );
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
    done += batch.length;
    await onProgress?.(done, testIds.length);
    // Let requests waiting on the event loop in between: a full rescore of a big project takes seconds. Every
    // ~20 ms, not after every batch: a timer per batch of 25 added ≥ 1 ms each, 40 s to a million tests.
    await maybeYield();
  }
  if (testIds.length > 0) publish("verdicts.changed", project.id, { project: project.slug, tests: testIds.length });
  if (changed.quarantined.length + changed.released.length > 0)
    publish("quarantine.changed", project.id, { project: project.slug, ...changed });
  return testIds.length;
}
