import { eq, sql } from "drizzle-orm";
import type { Db } from "./backend/db.ts";
import type { NewEvent } from "./events.ts";

/** A project's saved policy body and who saved it. */
export interface StoredPolicy {
  policy: Record<string, unknown>;
  updatedBy: string;
  updatedAt: number;
}

/** Project policies: one row per project that changed the defaults. */
export function policyStore(db: Db) {
  const p = db.schema.policies;
  return {
    /** The saved policy of a project, if it has one. */
    async getPolicy(projectId: string): Promise<StoredPolicy | undefined> {
      const rows = await db.orm.select().from(p).where(eq(p.projectId, projectId)).limit(1);
      return rows[0];
    },

    /** Saves a project's policy and records the event in one transaction. */
    async savePolicy(projectId: string, policy: Record<string, unknown>, event: NewEvent, now: number): Promise<void> {
      await db.tx(async (orm) => {
        await orm
          .insert(p)
          .values({ projectId, policy, updatedBy: event.actor, updatedAt: now })
          .onConflictDoUpdate({
            target: p.projectId,
            set: {
              policy: sql`excluded.policy`,
              updatedBy: sql`excluded.updated_by`,
              updatedAt: sql`excluded.updated_at`,
            },
          });
        await orm.insert(db.schema.events).values({ ...event, createdAt: now });
      });
    },
  };
}

/** The policies aggregate's functions. */
export type PolicyStore = ReturnType<typeof policyStore>;
