// What the API shows of a clean test. A pass of a test whose window holds no failure is not rescored
// (analyze/rescore-set.ts): its stored status, score and evidence are what a rescore would give, but the runs
// it counts and the upper bound of its score move with every pass. Pages that show those score the clean
// tests they list from history when they are read (a page at a time), so every figure is a full rescore's.
import { scoringScratch } from "../analyze/score.ts";
import type { Project } from "../model/project.ts";
import type { TestVerdicts, Verdict } from "../model/verdict.ts";
import type { Store } from "../store/index.ts";
import { HISTORY_LIMIT, scoreHistory } from "./rescore.ts";

/** The figures of a stored verdict a pass moves without a rescore. */
type MovingFigures = Pick<Verdict, "runs" | "failureRate" | "high">;

/** Whether a stored verdict may be a clean one whose moving figures lag its history: healthy, never failed in view. */
export function mayLag(v: Pick<Verdict, "status" | "failures">): boolean {
  return v.status === "healthy" && v.failures === 0;
}

/** The verdicts of `testIds` scored from their history now, unsaved: what a rescore would store. */
export async function currentVerdicts(
  store: Store,
  project: Project,
  testIds: string[],
  now: number,
): Promise<Map<string, TestVerdicts>> {
  const out = new Map<string, TestVerdicts>();
  if (testIds.length === 0) return out;
  const histories = await store.history.observations(testIds, HISTORY_LIMIT);
  const scratch = scoringScratch();
  for (const id of testIds) {
    const history = histories.get(id);
    if (history) out.set(id, scoreHistory(history, project, now, scratch));
  }
  return out;
}

/** `stored` with the moving figures of `current` (the same verdict scored now), when there is one. */
export function withCurrentFigures<T extends MovingFigures>(stored: T, current: Verdict | undefined): T {
  if (!current) return stored;
  return { ...stored, runs: current.runs, failureRate: current.failureRate, high: current.high };
}
