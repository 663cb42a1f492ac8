/** Which commits a test both passed and failed on, found in one pass without allocating per commit. */
import type { Observation } from "../model/verdict.ts";

/**
 * Commit → first failing and first passing observation. Slots live in plain arrays that are reused
 * from call to call: scoring runs for every test of every report and must not allocate per commit.
 * Scoring is synchronous, so a scoring run keeps one index per use (`ScoringScratch` in score.ts).
 */
export class CommitIndex {
  private readonly slots = new Map<string, number>();
  private firstFail: number[] = [];
  private firstPass: number[] = [];
  private first: number[] = [];
  private last: number[] = [];
  private failedRuns: number[] = [];
  private size = 0;

  /** Forget everything from the previous call. */
  reset(): void {
    this.slots.clear();
    this.size = 0;
  }

  /** Record observation `i` (failing or passing, after `attempts` in-run attempts) on `commit`. */
  note(commit: string, i: number, failing: boolean, attempts = 1): void {
    let slot = this.slots.get(commit);
    if (slot === undefined) {
      slot = this.size++;
      this.slots.set(commit, slot);
      this.firstFail[slot] = -1;
      this.firstPass[slot] = -1;
      this.first[slot] = i;
      this.failedRuns[slot] = 0;
    }
    if (failing) {
      if (this.firstFail[slot] < 0) this.firstFail[slot] = i;
      // Every attempt of a failing observation failed (a pass among them would make it a retried pass).
      this.failedRuns[slot] += Math.max(1, attempts);
    } else if (this.firstPass[slot] < 0) this.firstPass[slot] = i;
    this.last[slot] = i;
  }

  /** How many executions (in-run attempts, jobs, job re-runs) failed on `commit`: 0 when unknown. */
  failedExecutions(commit: string | null): number {
    const slot = commit === null ? undefined : this.slots.get(commit);
    return slot === undefined ? 0 : this.failedRuns[slot];
  }

  /** Whether `commit` was seen only failing: no execution on it passed. */
  onlyFailed(commit: string | null): boolean {
    const slot = commit === null ? undefined : this.slots.get(commit);
    return slot !== undefined && this.firstPass[slot] < 0 && this.firstFail[slot] >= 0;
  }

  /** First and last observation index noted on `commit` ([-1, -1] when unseen). */
  span(commit: string): [number, number] {
    const slot = this.slots.get(commit);
    return slot === undefined ? [-1, -1] : [this.first[slot], this.last[slot]];
  }

  /** Whether the commit saw both a pass and a failure. */
  mixed(commit: string | null): boolean {
    if (commit === null) return false;
    const slot = this.slots.get(commit);
    return slot !== undefined && this.firstFail[slot] >= 0 && this.firstPass[slot] >= 0;
  }

  /** The first passing observation's index on `commit`, or -1. */
  passOf(commit: string): number {
    const slot = this.slots.get(commit);
    return slot === undefined ? -1 : this.firstPass[slot];
  }

  /** Call `visit(failIndex, passIndex, lastIndex)` for each mixed commit, in the order first seen. */
  eachMixed(visit: (failed: number, passed: number, last: number) => void): void {
    for (let s = 0; s < this.size; s++) {
      if (this.firstFail[s] >= 0 && this.firstPass[s] >= 0) visit(this.firstFail[s], this.firstPass[s], this.last[s]);
    }
  }
}

/** Whether a (counted) observation failed. */
export function isFailing(o: Observation): boolean {
  return o.outcome === "failed" || o.outcome === "error";
}
