import type { Db, Orm } from "./db.ts";

interface Waiting<T> {
  work: (orm: Orm) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Runs transactional work, possibly together with other callers' work in one transaction. */
export type CommitGroup = <T>(work: (orm: Orm) => Promise<T>) => Promise<T>;

/**
 * Group commit for the embedded backends: work submitted within `windowMs` of the first waiting item
 * runs in one transaction, so concurrent uploads share one commit. On SQLite a commit writes every page
 * the transaction dirtied to the WAL, and 2,000 results of one report touch ~2,000 scattered pages of
 * the test-keyed index, so a commit per report costs about twice what the rows do. Each caller is
 * answered only after the shared commit. If the shared transaction fails, each item is retried in its
 * own, so one bad report never fails the others. `windowMs` ≤ 0 turns grouping off.
 */
export function commitGroup(db: Db, windowMs: number): CommitGroup {
  if (windowMs <= 0) return (work) => db.tx(work);
  let waiting: Waiting<unknown>[] = [];
  const flush = async () => {
    const batch = waiting;
    waiting = [];
    if (batch.length === 1) return settle(batch[0], db.tx(batch[0].work));
    let results: unknown[];
    try {
      results = await db.tx(async (orm) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(orm));
        return out;
      });
    } catch {
      for (const item of batch) await settle(item, db.tx(item.work));
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  };
  return <T>(work: (orm: Orm) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ work, resolve, reject } as Waiting<unknown>);
      if (waiting.length === 1) setTimeout(() => void flush(), windowMs);
    });
}

async function settle<T>(item: Waiting<T>, outcome: Promise<T>): Promise<void> {
  try {
    item.resolve(await outcome);
  } catch (e) {
    item.reject(e);
  }
}
