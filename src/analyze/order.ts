/**
 * The order a test's observations are read in: by commit, each commit where it was first seen, then by
 * arrival. A re-run of an older commit that arrives after a newer commit's failure belongs before it —
 * otherwise its pass would split one regression into two "separate" failures and look flaky.
 */
import type { Observation } from "../model/verdict.ts";

/** Oldest commit first (by its first observation), then arrival, then report id; sorted input is not copied. */
export function inCommitOrder<T extends Observation>(history: readonly T[]): readonly T[] {
  const firstSeen = new Map<string, number>();
  for (const o of history) {
    if (o.commit === null) continue;
    const seen = firstSeen.get(o.commit);
    if (seen === undefined || o.receivedAt < seen) firstSeen.set(o.commit, o.receivedAt);
  }
  const at = (o: Observation) => (o.commit === null ? o.receivedAt : firstSeen.get(o.commit)!);
  const before = (a: Observation, b: Observation) => {
    const ca = at(a), cb = at(b);
    if (ca !== cb) return ca < cb;
    return a.receivedAt < b.receivedAt || (a.receivedAt === b.receivedAt && a.reportId < b.reportId);
  };
  for (let i = 1; i < history.length; i++) {
    if (before(history[i], history[i - 1])) return [...history].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }
  return history;
}

/**
 * In a truncated history (the newest N observations), a commit first seen through a job re-run (attempt > 1)
 * lost its first run to the cut: its place in commit order is unknown, and read at the re-run's arrival
 * its pass would land between a later regression's failures. Such commits are left out; a complete
 * history keeps everything.
 */
export function withoutOrphanReruns<T extends Observation>(history: readonly T[], complete: boolean): readonly T[] {
  if (complete) return history;
  const first = new Map<string, T>();
  for (const o of history) {
    if (o.commit === null) continue;
    const seen = first.get(o.commit);
    if (seen === undefined || o.receivedAt < seen.receivedAt || (o.receivedAt === seen.receivedAt && o.jobAttempt < seen.jobAttempt)) first.set(o.commit, o);
  }
  const orphans = new Set<string>();
  for (const [commit, o] of first) if (o.jobAttempt > 1) orphans.add(commit);
  return orphans.size === 0 ? history : history.filter((o) => o.commit === null || !orphans.has(o.commit));
}
