import { and, eq, inArray, isNull, lte, or } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import type { Db, Orm } from "./backend/db.ts";
import type { NewEvent } from "./events.ts";

/** A project's notification channel as stored (config holds its secrets; callers mask them). */
export interface Integration {
  id: string;
  projectId: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  /** Event types it receives. */
  events: string[];
  enabled: boolean;
  nextSendAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A new integration. */
export type NewIntegration = Pick<Integration, "projectId" | "kind" | "name" | "config" | "events" | "enabled">;

/** What an update may change. */
export type IntegrationPatch = Partial<Pick<Integration, "name" | "config" | "events" | "enabled">>;

/** Integrations: a project's Slack channels, webhooks, … with the pacing state of each. */
export function integrationStore(db: Db) {
  const t = db.schema.integrations;
  const record = (orm: Orm, e: NewEvent | undefined, now: number) =>
    e ? orm.insert(db.schema.events).values({ ...e, createdAt: now }) : undefined;
  return {
    /** Creates an integration (and records the audit event in the same transaction). */
    async createIntegration(input: NewIntegration, event: NewEvent | undefined, now: number): Promise<Integration> {
      return db.tx(async (orm) => {
        const [row] = await orm
          .insert(t)
          .values({ id: newId(now), ...input, nextSendAt: null, createdAt: now, updatedAt: now })
          .returning();
        await record(orm, event && { ...event, data: { ...event.data, integrationId: row.id } }, now);
        return row as Integration;
      });
    },

    /** A project's integrations, oldest first. */
    async listIntegrations(projectId: string): Promise<Integration[]> {
      return (await db.orm
        .select()
        .from(t)
        .where(eq(t.projectId, projectId))
        .orderBy(t.createdAt, t.id)) as Integration[];
    },

    /** One integration of a project. */
    async getIntegration(projectId: string, id: string): Promise<Integration | undefined> {
      const rows = await db.orm
        .select()
        .from(t)
        .where(and(eq(t.projectId, projectId), eq(t.id, id)))
        .limit(1);
      return rows[0] as Integration | undefined;
    },

    /** Integrations by id (any project), for delivery. */
    async integrationsById(ids: string[]): Promise<Map<string, Integration>> {
      if (ids.length === 0) return new Map();
      const rows = (await db.orm.select().from(t).where(inArray(t.id, ids))) as Integration[];
      return new Map(rows.map((r) => [r.id, r]));
    },

    /** A project's enabled integrations: where its events go. */
    async enabledIntegrations(projectId: string): Promise<Integration[]> {
      return (await db.orm
        .select()
        .from(t)
        .where(and(eq(t.projectId, projectId), eq(t.enabled, true)))
        .orderBy(t.createdAt, t.id)) as Integration[];
    },

    /** Enabled integrations of one kind, every project (the digest's recipients). */
    async enabledOfKind(kind: string): Promise<Integration[]> {
      return (await db.orm
        .select()
        .from(t)
        .where(and(eq(t.kind, kind), eq(t.enabled, true)))
        .orderBy(t.createdAt, t.id)) as Integration[];
    },

    /** Updates an integration; undefined when there is none. */
    async updateIntegration(
      projectId: string,
      id: string,
      patch: IntegrationPatch,
      event: NewEvent | undefined,
      now: number,
    ): Promise<Integration | undefined> {
      return db.tx(async (orm) => {
        const rows = await orm
          .update(t)
          .set({ ...patch, updatedAt: now })
          .where(and(eq(t.projectId, projectId), eq(t.id, id)))
          .returning();
        if (rows.length === 0) return undefined;
        await record(orm, event, now);
        return rows[0] as Integration;
      });
    },

    /** Deletes an integration and its outbox rows; false when there was none. */
    async deleteIntegration(projectId: string, id: string, event: NewEvent | undefined, now: number): Promise<boolean> {
      return db.tx(async (orm) => {
        await orm.delete(db.schema.outbox).where(eq(db.schema.outbox.integrationId, id));
        const rows = await orm
          .delete(t)
          .where(and(eq(t.projectId, projectId), eq(t.id, id)))
          .returning({ id: t.id });
        if (rows.length > 0) await record(orm, event, now);
        return rows.length > 0;
      });
    },

    /**
     * Takes the integration's send slot until `until` when it is free at `now` (nothing sent before its
     * next_send_at): one sender per integration across workers and replicas, and the channel's pacing.
     */
    async takeSendSlot(id: string, now: number, until: number): Promise<boolean> {
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ nextSendAt: until })
          .where(and(eq(t.id, id), or(isNull(t.nextSendAt), lte(t.nextSendAt, now))))
          .returning({ id: t.id }),
      );
      return rows.length > 0;
    },

    /** Sets when the integration may send next (pacing after a send, or a 429's Retry-After). */
    async setNextSendAt(id: string, at: number): Promise<void> {
      await db.tx((orm) => orm.update(t).set({ nextSendAt: at }).where(eq(t.id, id)));
    },
  };
}

/** The integrations aggregate's functions. */
export type IntegrationStore = ReturnType<typeof integrationStore>;
