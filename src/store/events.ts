import { and, desc, eq, sql } from "drizzle-orm";
import type { AuditEvent } from "../model/project.ts";
import type { Db, Orm } from "./backend/db.ts";

/** An audit event to record. */
export interface NewEvent {
  projectId: string | null;
  kind: string;
  actor: string;
  data: Record<string, unknown>;
}

/** The audit log: every change, who made it, and why. */
export function eventStore(db: Db) {
  const t = db.schema.events;
  return {
    /** Appends an event; pass `orm` to record it inside the caller's transaction. */
    async recordEvent(e: NewEvent, now: number, orm?: Orm): Promise<void> {
      const insert = (o: Orm) => o.insert(t).values({ ...e, createdAt: now });
      if (orm) await insert(orm);
      else await db.tx(insert);
    },

    /** A project's events, newest first. */
    async listEvents(projectId: string, limit = 100): Promise<AuditEvent[]> {
      return db.orm.select().from(t).where(eq(t.projectId, projectId)).orderBy(desc(t.id)).limit(limit);
    },

    /** A project's events about one test (`data.testId`), newest first: a test's audit trail. */
    async listTestEvents(projectId: string, testId: string, limit = 100): Promise<AuditEvent[]> {
      const about =
        db.dialect === "pg"
          ? sql`${t.data}->>'testId' = ${testId}`
          : sql`json_extract(${t.data}, '$.testId') = ${testId}`;
      return db.orm
        .select()
        .from(t)
        .where(and(eq(t.projectId, projectId), about))
        .orderBy(desc(t.id))
        .limit(limit);
    },
  };
}

/** The events aggregate's functions. */
export type EventStore = ReturnType<typeof eventStore>;
