import { eq, inArray } from "drizzle-orm";
import type { Db } from "./backend/db.ts";

/** A stage written for a report beside its state: parsing (a worker took it), settled (its verdicts are final). */
export type StoredStage = "parsing" | "settled";

/** A project's latest rescore: tests scored of those it scores, when it started, whether it has finished. */
export interface RescoreProgress {
  done: number;
  total: number;
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** Progress of the work that settles reports: their stages, and each project's rescore (read by every replica). */
export function progressStore(db: Db) {
  const stages = db.schema.reportStages;
  const rescores = db.schema.rescoreProgress;
  return {
    /** Notes the stage reached by some reports. */
    async markStage(reportIds: string[], stage: StoredStage, now: number): Promise<void> {
      if (reportIds.length === 0) return;
      // Once each (a batch may hold two jobs of one report: one statement cannot update a row twice), in id
      // order (two loops noting overlapping batches lock the rows in the same order: no deadlock).
      const rows = [...new Set(reportIds)].sort().map((reportId) => ({ reportId, stage, at: now }));
      await db.tx((orm) =>
        orm
          .insert(stages)
          .values(rows)
          .onConflictDoUpdate({ target: stages.reportId, set: { stage, at: now } }),
      );
    },

    /** The stage noted for a report, if any. */
    async stageOf(reportId: string): Promise<StoredStage | undefined> {
      const rows = await db.orm
        .select({ stage: stages.stage })
        .from(stages)
        .where(eq(stages.reportId, reportId))
        .limit(1);
      return rows[0]?.stage as StoredStage | undefined;
    },

    /** The stages noted for some reports, by id. */
    async stagesOf(reportIds: string[]): Promise<Map<string, StoredStage>> {
      if (reportIds.length === 0) return new Map();
      const rows = await db.orm
        .select({ id: stages.reportId, stage: stages.stage })
        .from(stages)
        .where(inArray(stages.reportId, reportIds));
      return new Map(rows.map((r) => [r.id, r.stage as StoredStage]));
    },

    /** A project's rescore begins: `total` tests to score. */
    async rescoreStarted(projectId: string, total: number, now: number): Promise<void> {
      const row = { done: 0, total, startedAt: now, updatedAt: now, finishedAt: null };
      await db.tx((orm) =>
        orm
          .insert(rescores)
          .values({ projectId, ...row })
          .onConflictDoUpdate({ target: rescores.projectId, set: row }),
      );
    },

    /** A project's rescore has scored `done` tests; `finished` once it has ended (done or not). */
    async rescoreAdvanced(projectId: string, done: number, now: number, finished = false): Promise<void> {
      await db.tx((orm) =>
        orm
          .update(rescores)
          .set({ done, updatedAt: now, ...(finished ? { finishedAt: now } : {}) })
          .where(eq(rescores.projectId, projectId)),
      );
    },

    /** A project's latest rescore, if it ever had one. */
    async rescoreOf(projectId: string): Promise<RescoreProgress | undefined> {
      const rows = await db.orm
        .select({
          done: rescores.done,
          total: rescores.total,
          startedAt: rescores.startedAt,
          updatedAt: rescores.updatedAt,
          finishedAt: rescores.finishedAt,
        })
        .from(rescores)
        .where(eq(rescores.projectId, projectId))
        .limit(1);
      return rows[0];
    },
  };
}

/** The progress aggregate's functions. */
export type ProgressStore = ReturnType<typeof progressStore>;
