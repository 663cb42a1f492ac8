import { and, desc, eq, inArray } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import type { Db } from "./backend/db.ts";

/** An incident to record: a report where most tests failed together. */
export interface NewIncident {
  projectId: string;
  reportId: string;
  run: string | null;
  job: string | null;
  commit: string | null;
  cause: string | null;
  reason: string;
  failing: number;
  total: number;
}

/** A recorded incident. */
export interface IncidentRecord extends NewIncident {
  id: string;
  createdAt: number;
}

/** Infrastructure incidents: reports whose failures are not evidence about the tests caught in them. */
export function incidentStore(db: Db) {
  const t = db.schema.incidents;
  const columns = {
    id: t.id,
    projectId: t.projectId,
    reportId: t.reportId,
    run: t.ciRun,
    job: t.job,
    commit: t.commitSha,
    cause: t.cause,
    reason: t.reason,
    failing: t.failing,
    total: t.total,
    createdAt: t.createdAt,
  };
  return {
    /** Records an incident for a report (once). */
    async recordIncident(i: NewIncident, now: number): Promise<void> {
      const { run, commit, ...rest } = i;
      await db.tx((orm) =>
        orm
          .insert(t)
          .values({ ...rest, ciRun: run, commitSha: commit, id: newId(now), createdAt: now })
          .onConflictDoNothing({ target: t.reportId }),
      );
    },

    /** A project's incidents, newest first. */
    async listIncidents(projectId: string, limit = 100): Promise<IncidentRecord[]> {
      return db.orm.select(columns).from(t).where(eq(t.projectId, projectId)).orderBy(desc(t.createdAt)).limit(limit);
    },

    /** Which of these reports were incidents. */
    async incidentReports(projectId: string, reportIds: string[]): Promise<Set<string>> {
      if (reportIds.length === 0) return new Set();
      const rows = await db.orm
        .select({ reportId: t.reportId })
        .from(t)
        .where(and(eq(t.projectId, projectId), inArray(t.reportId, reportIds)));
      return new Set(rows.map((r) => r.reportId));
    },
  };
}

/** The incidents aggregate's functions. */
export type IncidentStore = ReturnType<typeof incidentStore>;
