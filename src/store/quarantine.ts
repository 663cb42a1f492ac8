import { and, desc, eq, lte, sql } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import { inIds } from "./backend/bulk.ts";
import type { Db, Orm } from "./backend/db.ts";
import type { NewEvent } from "./events.ts";

/** One quarantine decision and, once released, its end. */
export interface QuarantineRecord {
  id: string;
  projectId: string;
  testId: string;
  state: "active" | "released";
  mode: "mute" | "skip";
  reason: string;
  owner: string | null;
  decidedBy: string;
  since: number;
  expiresAt: number | null;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseReason: string | null;
  vetoUntil: number | null;
}

/** An active quarantine with the test's identity, as test runners read it. */
export interface ActiveQuarantine extends QuarantineRecord {
  suite: string;
  name: string;
  file: string;
}

/** A new quarantine. */
export type NewQuarantine = Pick<
  QuarantineRecord,
  "projectId" | "testId" | "mode" | "reason" | "owner" | "decidedBy" | "expiresAt"
>;

/** How a quarantine ends. */
export interface Release {
  by: string;
  reason: string;
  /** Set when a person released it: automation keeps off the test until then. */
  vetoUntil: number | null;
}

/** More writes that commit with a quarantine change (its notifications in the outbox). */
export type AlsoWrite = (orm: Orm, q: QuarantineRecord) => Promise<unknown>;

/** Quarantines: at most one active per test (a partial unique index), every change with its audit event. */
export function quarantineStore(db: Db) {
  const q = db.schema.quarantines;
  const t = db.schema.tests;
  const ev = db.schema.events;
  const record = (orm: Orm, e: NewEvent, now: number) => orm.insert(ev).values({ ...e, createdAt: now });
  const activeQuery = () =>
    db.orm.select({ q, suite: t.suite, name: t.name, file: t.file }).from(q).innerJoin(t, eq(t.id, q.testId));
  const flat = (r: { q: typeof q.$inferSelect; suite: string; name: string; file: string }): ActiveQuarantine => ({
    ...(r.q as QuarantineRecord),
    suite: r.suite,
    name: r.name,
    file: r.file,
  });
  return {
    /** A project's active quarantines, oldest first. */
    async listActive(projectId: string): Promise<ActiveQuarantine[]> {
      const rows = await activeQuery()
        .where(and(eq(q.projectId, projectId), eq(q.state, "active")))
        .orderBy(q.since, q.id);
      return rows.map(flat);
    },

    /** The active quarantines of some tests, by test id. */
    async activeFor(testIds: string[]): Promise<Map<string, ActiveQuarantine>> {
      const out = new Map<string, ActiveQuarantine>();
      if (testIds.length === 0) return out;
      const rows = await activeQuery().where(and(inIds(db.dialect, q.testId, testIds), eq(q.state, "active")));
      for (const r of rows) out.set(r.q.testId, flat(r));
      return out;
    },

    /** How many tests of a project are quarantined now. */
    async countActive(projectId: string): Promise<number> {
      const rows = await db.orm
        .select({ n: sql<number | string>`count(*)` })
        .from(q)
        .where(and(eq(q.projectId, projectId), eq(q.state, "active")));
      return Number(rows[0]?.n ?? 0);
    },

    /** The veto of each test whose latest quarantine a person released: automation waits until then. */
    async vetoes(testIds: string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      const seen = new Set<string>();
      if (testIds.length === 0) return out;
      const rows = await db.orm
        .select({ testId: q.testId, vetoUntil: q.vetoUntil })
        .from(q)
        .where(inIds(db.dialect, q.testId, testIds))
        .orderBy(desc(q.since), desc(q.id));
      for (const r of rows) {
        if (seen.has(r.testId)) continue; // only the latest decision counts: a person's re-quarantine ends the veto
        seen.add(r.testId);
        if (r.vetoUntil != null) out.set(r.testId, r.vetoUntil);
      }
      return out;
    },

    /** When each test's latest quarantine was released (a test released since may not come back unprompted). */
    async lastReleases(testIds: string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      const seen = new Set<string>();
      if (testIds.length === 0) return out;
      const rows = await db.orm
        .select({ testId: q.testId, releasedAt: q.releasedAt })
        .from(q)
        .where(inIds(db.dialect, q.testId, testIds))
        .orderBy(desc(q.since), desc(q.id));
      for (const r of rows) {
        if (seen.has(r.testId)) continue; // only the latest entry counts
        seen.add(r.testId);
        if (r.releasedAt != null) out.set(r.testId, r.releasedAt);
      }
      return out;
    },

    /** Quarantines a test and records the event in one transaction (with what `then` writes: the outbox); undefined when it already is quarantined. */
    async quarantine(
      input: NewQuarantine,
      event: NewEvent,
      now: number,
      then?: AlsoWrite,
    ): Promise<QuarantineRecord | undefined> {
      return db.tx(async (orm) => {
        const rows = await orm
          .insert(q)
          .values({ id: newId(now), ...input, state: "active", since: now })
          .onConflictDoNothing()
          .returning();
        if (rows.length === 0) return undefined;
        await record(orm, { ...event, data: { ...event.data, quarantineId: rows[0].id } }, now);
        await then?.(orm, rows[0] as QuarantineRecord);
        return rows[0] as QuarantineRecord;
      });
    },

    /** Releases a test's active quarantine and records the event (with what `then` writes); undefined when it was not quarantined. */
    async release(
      testId: string,
      r: Release,
      event: NewEvent,
      now: number,
      then?: AlsoWrite,
    ): Promise<QuarantineRecord | undefined> {
      return db.tx(async (orm) => {
        const rows = await orm
          .update(q)
          .set({
            state: "released",
            releasedAt: now,
            releasedBy: r.by,
            releaseReason: r.reason,
            vetoUntil: r.vetoUntil,
          })
          .where(and(eq(q.testId, testId), eq(q.state, "active")))
          .returning();
        if (rows.length === 0) return undefined;
        await record(orm, { ...event, data: { ...event.data, quarantineId: rows[0].id } }, now);
        await then?.(orm, rows[0] as QuarantineRecord);
        return rows[0] as QuarantineRecord;
      });
    },

    /** Suite, name and file of some tests of a project (what exempt globs and runners match). */
    async identities(
      projectId: string,
      testIds: string[],
    ): Promise<Map<string, { suite: string; name: string; file: string }>> {
      const out = new Map<string, { suite: string; name: string; file: string }>();
      if (testIds.length === 0) return out;
      const rows = await db.orm
        .select({ id: t.id, suite: t.suite, name: t.name, file: t.file })
        .from(t)
        .where(and(eq(t.projectId, projectId), inIds(db.dialect, t.id, testIds)));
      for (const r of rows) out.set(r.id, { suite: r.suite, name: r.name, file: r.file });
      return out;
    },

    /** Active quarantines (every project) whose expiry has passed. */
    async expired(now: number): Promise<QuarantineRecord[]> {
      const rows = await db.orm
        .select()
        .from(q)
        .where(and(eq(q.state, "active"), lte(q.expiresAt, now)));
      return rows as QuarantineRecord[];
    },
  };
}

/** The quarantine aggregate's functions. */
export type QuarantineStore = ReturnType<typeof quarantineStore>;
