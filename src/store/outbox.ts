import { and, asc, count, desc, eq, inArray, lt, lte, min, or, sql } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import type { Db, Orm } from "./backend/db.ts";

/** Where a notification is: waiting (or waiting for a retry), being sent, sent, or given up. */
export type OutboxStatus = "pending" | "sending" | "sent" | "failed";

/** One notification: an event for one integration, and its delivery state. */
export interface OutboxItem {
  id: string;
  projectId: string;
  integrationId: string;
  channel: string;
  eventKey: string;
  eventType: string;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lockedUntil: number | null;
  lastError: string | null;
  lastStatus: number | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

/** A notification to queue. */
export type NewOutboxItem = Pick<
  OutboxItem,
  "projectId" | "integrationId" | "channel" | "eventKey" | "eventType" | "payload"
>;

/** How the last attempt ended, for the row. */
export interface AttemptOutcome {
  status: number | null;
  error: string | null;
}

/** Filters of the deliveries list; `before` is the last id of the previous page. */
export interface OutboxQuery {
  status?: OutboxStatus;
  integrationId?: string;
  limit: number;
  before?: string;
}

/**
 * The outbox: notifications are rows written with the change that caused them, delivered by the job
 * queue. `(integration_id, event_key)` is unique, so an event recomputed later is never queued twice.
 */
export function outboxStore(db: Db) {
  const o = db.schema.outbox;
  const i = db.schema.integrations;
  const due = (now: number) =>
    or(and(eq(o.status, "pending"), lte(o.nextAttemptAt, now)), and(eq(o.status, "sending"), lt(o.lockedUntil, now)));
  const insert = async (orm: Orm, items: NewOutboxItem[], now: number) => {
    if (items.length === 0) return [];
    const rows = await orm
      .insert(o)
      .values(
        items.map((x) => ({
          id: newId(now),
          ...x,
          status: "pending",
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: o.id });
    return rows.map((r) => r.id);
  };
  const finish = (ids: string[], set: Partial<typeof o.$inferInsert>) =>
    ids.length === 0
      ? Promise.resolve()
      : db.tx(async (orm) => {
          await orm.update(o).set(set).where(inArray(o.id, ids));
        });
  return {
    /** Queues notifications, skipping events already queued for the integration; pass `orm` to join the caller's transaction. Returns the new rows' ids. */
    async enqueue(items: NewOutboxItem[], now: number, orm?: Orm): Promise<string[]> {
      return orm ? insert(orm, items, now) : db.tx((x) => insert(x, items, now));
    },

    /** Integrations that have a due notification and a free send slot (enabled ones only). */
    async dueIntegrations(now: number, limit: number): Promise<string[]> {
      const rows = await db.orm
        .selectDistinct({ id: o.integrationId })
        .from(o)
        .innerJoin(i, eq(i.id, o.integrationId))
        .where(and(due(now), eq(i.enabled, true), or(sql`${i.nextSendAt} is null`, lte(i.nextSendAt, now))))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    /** Claims up to `max` due notifications of one integration for `leaseMs` (oldest first), counting the attempt. */
    async claim(integrationId: string, now: number, leaseMs: number, max: number): Promise<OutboxItem[]> {
      return db.tx(async (orm) => {
        let next = orm
          .select({ id: o.id })
          .from(o)
          .where(and(eq(o.integrationId, integrationId), due(now)))
          .orderBy(asc(o.createdAt), asc(o.id))
          .limit(max);
        if (db.dialect === "pg") next = next.for("update", { skipLocked: true }) as typeof next;
        const ids = (await next).map((r) => r.id);
        if (ids.length === 0) return [];
        const rows = await orm
          .update(o)
          .set({ status: "sending", lockedUntil: now + leaseMs, attempts: sql`${o.attempts} + 1`, updatedAt: now })
          .where(inArray(o.id, ids))
          .returning();
        return (rows as OutboxItem[]).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
      });
    },

    /** Marks notifications delivered. */
    async markSent(ids: string[], outcome: AttemptOutcome, now: number): Promise<void> {
      await finish(ids, {
        status: "sent",
        sentAt: now,
        lockedUntil: null,
        lastStatus: outcome.status,
        lastError: null,
        updatedAt: now,
      });
    },

    /** Puts notifications back for another attempt at `at`. */
    async markRetry(ids: string[], outcome: AttemptOutcome, at: number, now: number): Promise<void> {
      await finish(ids, {
        status: "pending",
        nextAttemptAt: at,
        lockedUntil: null,
        lastStatus: outcome.status,
        lastError: outcome.error?.slice(0, 2000) ?? null,
        updatedAt: now,
      });
    },

    /** Gives notifications up. */
    async markFailed(ids: string[], outcome: AttemptOutcome, now: number): Promise<void> {
      await finish(ids, {
        status: "failed",
        lockedUntil: null,
        lastStatus: outcome.status,
        lastError: outcome.error?.slice(0, 2000) ?? null,
        updatedAt: now,
      });
    },

    /** When the next notification can go (its retry time or a lapsed lease, later when its integration is paced); undefined when none waits. */
    async nextDueAt(): Promise<number | undefined> {
      const waiting = (status: OutboxStatus, at: typeof o.nextAttemptAt | typeof o.lockedUntil) =>
        db.orm
          .select({ at: min(at), slot: i.nextSendAt })
          .from(o)
          .innerJoin(i, eq(i.id, o.integrationId))
          .where(and(eq(i.enabled, true), eq(o.status, status)))
          .groupBy(i.id, i.nextSendAt);
      const rows = [...(await waiting("pending", o.nextAttemptAt)), ...(await waiting("sending", o.lockedUntil))];
      const times = rows.map((r) => Math.max(Number(r.at ?? 0), Number(r.slot ?? 0)));
      return times.length === 0 ? undefined : Math.min(...times);
    },

    /** One notification of a project. */
    async getDelivery(projectId: string, id: string): Promise<OutboxItem | undefined> {
      const rows = await db.orm
        .select()
        .from(o)
        .where(and(eq(o.projectId, projectId), eq(o.id, id)))
        .limit(1);
      return rows[0] as OutboxItem | undefined;
    },

    /** A page of a project's notifications, newest first. */
    async listDeliveries(projectId: string, q: OutboxQuery): Promise<OutboxItem[]> {
      const where = [eq(o.projectId, projectId)];
      if (q.status) where.push(eq(o.status, q.status));
      if (q.integrationId) where.push(eq(o.integrationId, q.integrationId));
      if (q.before) where.push(lt(o.id, q.before));
      return (await db.orm
        .select()
        .from(o)
        .where(and(...where))
        .orderBy(desc(o.id))
        .limit(q.limit)) as OutboxItem[];
    },

    /** Deletes finished (sent or failed) notifications last touched before `before`; returns how many. */
    async pruneFinished(before: number): Promise<number> {
      const rows = await db.tx((orm) =>
        orm
          .delete(o)
          .where(and(inArray(o.status, ["sent", "failed"]), lt(o.updatedAt, before)))
          .returning({ id: o.id }),
      );
      return rows.length;
    },

    /** How many of a project's notifications are in each status. */
    async countByStatus(projectId: string): Promise<Record<OutboxStatus, number>> {
      const rows = await db.orm
        .select({ status: o.status, n: count() })
        .from(o)
        .where(eq(o.projectId, projectId))
        .groupBy(o.status);
      const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
      for (const r of rows) out[r.status as OutboxStatus] = Number(r.n);
      return out;
    },
  };
}

/** The outbox aggregate's functions. */
export type OutboxStore = ReturnType<typeof outboxStore>;
