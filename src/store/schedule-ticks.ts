import { and, count, eq, lt } from "drizzle-orm";
import type { Db, Orm } from "./backend/db.ts";

/** Schedule ticks: which replica fired which tick, so each tick fires once however many schedulers run. */
export function scheduleTickStore(db: Db) {
  const t = db.schema.scheduleTicks;
  return {
    /**
     * Claims tick `tickAt` of `schedule` for `firedBy` and, in the same transaction, runs `fire` (which
     * enqueues the tick's jobs). False, and nothing enqueued, when another scheduler claimed it first.
     */
    async claimTick(
      schedule: string,
      tickAt: number,
      firedBy: string,
      now: number,
      fire: (orm: Orm) => Promise<void>,
    ): Promise<boolean> {
      return db.tx(async (orm) => {
        const claimed = await orm
          .insert(t)
          .values({ schedule, tickAt, firedBy, firedAt: now })
          .onConflictDoNothing()
          .returning({ schedule: t.schedule });
        if (claimed.length === 0) return false;
        await fire(orm);
        return true;
      });
    },

    /** Forgets ticks older than `before` (they only have to outlive the clock skew between replicas). */
    async pruneTicks(schedule: string, before: number): Promise<void> {
      await db.tx((orm) => orm.delete(t).where(and(eq(t.schedule, schedule), lt(t.tickAt, before))));
    },

    /** How many ticks of `schedule` fired (tests, diagnostics). */
    async countTicks(schedule: string): Promise<number> {
      const [r] = await db.orm.select({ n: count() }).from(t).where(eq(t.schedule, schedule));
      return Number(r.n);
    },
  };
}

/** The schedule ticks aggregate's functions. */
export type ScheduleTickStore = ReturnType<typeof scheduleTickStore>;
