/**
 * The order a test's observations are read in: by commit, each commit where it was first seen, then by
 * arrival. A re-run of an older commit that arrives after a newer commit's failure belongs before it —
 * otherwise its pass would split one regression into two "separate" failures and look flaky.
 */
import type { Observation } from "../model/verdict.ts";

/**
 * Oldest commit first (by its first observation), then arrival, then what the report is; sorted input is not
 * copied. Reports stored in the same millisecond (a burst) are ordered by what they are, not by their ids,
 * whose random part would otherwise decide: two commits first seen in one millisecond stay apart (their
 * reports interleaved by id made one failing commit two failure episodes, flaky or healthy by chance).
 */
export function inCommitOrder<T extends Observation>(history: readonly T[]): readonly T[] {
  const firstSeen = new Map<string, number>();
  for (const o of history) {
    if (o.commit === null) continue;
    const seen = firstSeen.get(o.commit);
    if (seen === undefined || o.receivedAt < seen) firstSeen.set(o.commit, o.receivedAt);
  }
  const at = (o: Observation) => (o.commit === null ? o.receivedAt : firstSeen.get(o.commit)!);
  const before = (a: Observation, b: Observation) => {
    const ca = at(a),
      cb = at(b);
    if (ca !== cb) return ca < cb;
    if (a.commit !== b.commit) return (a.commit ?? "") < (b.commit ?? "");
    if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt;
    return sameTimeKey(a) < sameTimeKey(b);
  };
  for (let i = 1; i < history.length; i++) {
    if (before(history[i], history[i - 1]))
      return [...history].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }
  return history;
}

// What tells apart reports of one commit stored in the same millisecond: re-runs after first runs, then the
// run, job, variant and outcome; the report id last, for reports alike in all of these.
function sameTimeKey(o: Observation): string {
  return `${String(o.jobAttempt).padStart(6, "0")}\u0000${o.run ?? ""}\u0000${o.job ?? ""}\u0000${o.variant}\u0000${o.outcome}\u0000${o.reportId}`;
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
    if (
      seen === undefined ||
      o.receivedAt < seen.receivedAt ||
      (o.receivedAt === seen.receivedAt && o.jobAttempt < seen.jobAttempt)
    )
      first.set(o.commit, o);
  }
  const orphans = new Set<string>();
  for (const [commit, o] of first) if (o.jobAttempt > 1) orphans.add(commit);
  return orphans.size === 0 ? history : history.filter((o) => o.commit === null || !orphans.has(o.commit));
}
