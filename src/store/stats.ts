import { and, count, eq } from "drizzle-orm";
import type { Db } from "./backend/db.ts";

/** Tests of one project in one status (for the per-project gauges). */
export interface ProjectTestCount {
  project: string;
  status: string;
  count: number;
}

/** Read-only counts for /metrics: a few grouped queries, run at most once per cache period. */
export function statsStore(db: Db) {
  const { projects, verdicts, quarantines } = db.schema;
  return {
    /** Per project slug: tests by overall verdict status (flaky, broken, …) and actively quarantined tests. */
    async countTestsByStatus(): Promise<ProjectTestCount[]> {
      const byVerdict = await db.orm
        .select({ project: projects.slug, status: verdicts.status, count: count() })
        .from(verdicts)
        .innerJoin(projects, eq(projects.id, verdicts.projectId))
        .where(eq(verdicts.variant, ""))
        .groupBy(projects.slug, verdicts.status);
      const quarantined = await db.orm
        .select({ project: projects.slug, count: count() })
        .from(quarantines)
        .innerJoin(projects, eq(projects.id, quarantines.projectId))
        .where(and(eq(quarantines.state, "active")))
        .groupBy(projects.slug);
      return [
        ...byVerdict.map((r) => ({ project: r.project, status: r.status, count: Number(r.count) })),
        ...quarantined.map((r) => ({ project: r.project, status: "quarantined", count: Number(r.count) })),
      ];
    },
  };
}

/** The stats read model's functions. */
export type StatsStore = ReturnType<typeof statsStore>;
