import { and, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import type { Db, Orm } from "./backend/db.ts";
import type { HistoryCache } from "./history-cache.ts";

/** What one retention pass removed. */
export interface PruneOutcome {
  /** Reports whose raw bytes and per-test results were dropped (their rows stay, with counts). */
  reports: number;
  /** Per-test result rows deleted. */
  results: number;
}

/** Called in each batch's transaction with the projects whose reports it pruned. */
export type OnPruned = (orm: Orm, projectIds: string[]) => Promise<unknown>;

// Bounded batches keep each transaction (and SQLite's single writer) short on a large backlog.
const BATCH = 500;

/** Retention: dropping the raw material of old reports. */
export function retentionStore(db: Db, histories?: HistoryCache) {
  return {
    /**
     * Drops the raw material of reports received before `before`: the uploaded bytes and the per-test
     * results. The report rows (metadata, counts), tests, verdicts, incidents and failure groups stay, so
     * lists, verdicts and audit survive; later scoring sees only the history that is left. `onPruned` writes
     * in each batch's transaction (the rescore of the projects it touched).
     */
    async pruneRawResults(before: number, onPruned?: OnPruned): Promise<PruneOutcome> {
      const out: PruneOutcome = { reports: 0, results: 0 };
      for (;;) {
        const batch = await pruneBatch(db, before, onPruned);
        // After each commit: histories held in memory may hold the deleted results.
        if (batch.reports > 0) histories?.clear();
        out.reports += batch.reports;
        out.results += batch.results;
        if (batch.reports < BATCH) return out;
      }
    },

    /** How many reports still hold raw material from before `before` (what a prune would touch). */
    async countPrunable(before: number): Promise<number> {
      const r = db.schema.reports;
      const rows = await db.orm
        .select({ n: sql<number | string>`count(*)` })
        .from(r)
        .where(and(lt(r.receivedAt, before), ne(r.state, "queued"), isNotNull(r.raw)));
      return Number(rows[0]?.n ?? 0);
    },
  };
}

/** One bounded batch of the prune, in its own transaction. */
function pruneBatch(db: Db, before: number, onPruned?: OnPruned): Promise<PruneOutcome> {
  const r = db.schema.reports;
  return db.tx(async (orm) => {
    // Queued reports are never pruned: their raw bytes are still to be processed.
    const old = await orm
      .select({ id: r.id, projectId: r.projectId })
      .from(r)
      .where(and(lt(r.receivedAt, before), ne(r.state, "queued"), isNotNull(r.raw)))
      .limit(BATCH);
    const ids = old.map((o) => o.id);
    if (ids.length === 0) return { reports: 0, results: 0 };
    const res = db.schema.results;
    const [n] = await orm
      .select({ n: sql<number | string>`count(*)` })
      .from(res)
      .where(inArray(res.reportId, ids));
    await orm.delete(res).where(inArray(res.reportId, ids));
    await orm.update(r).set({ raw: null }).where(inArray(r.id, ids));
    await onPruned?.(orm, [...new Set(old.map((o) => o.projectId))]);
    return { reports: ids.length, results: Number(n?.n ?? 0) };
  });
}

/** The retention aggregate's functions. */
export type RetentionStore = ReturnType<typeof retentionStore>;
