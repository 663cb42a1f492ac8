import { and, eq } from "drizzle-orm";
import type { Cluster, ClusterEvidence } from "../model/cluster.ts";
import type { Db, Orm } from "./backend/db.ts";

/** Co-failure clusters: a project's current ones, replaced whole each time they are recomputed. */
export function clusterStore(db: Db) {
  const t = db.schema.clusters;
  const read = (row: typeof t.$inferSelect): Cluster => ({ ...row, evidence: row.evidence as ClusterEvidence });
  return {
    /** A project's clusters, largest first. */
    async listClusters(projectId: string): Promise<Cluster[]> {
      const rows = await db.orm.select().from(t).where(eq(t.projectId, projectId));
      return rows
        .map(read)
        .sort((a, b) => b.testIds.length - a.testIds.length || b.coFailures - a.coFailures || (a.id < b.id ? -1 : 1));
    },

    /** One cluster of a project, or null. */
    async getCluster(projectId: string, id: string): Promise<Cluster | null> {
      const [row] = await db.orm
        .select()
        .from(t)
        .where(and(eq(t.projectId, projectId), eq(t.id, id)));
      return row ? read(row) : null;
    },

    /** The cluster a test belongs to, or null (a project has few clusters: read whole). */
    async clusterOfTest(projectId: string, testId: string): Promise<Cluster | null> {
      const rows = await db.orm.select().from(t).where(eq(t.projectId, projectId));
      const row = rows.find((r) => (r.testIds as string[]).includes(testId));
      return row ? read(row) : null;
    },

    /**
     * Makes `clusters` the project's clusters (the others are gone), with `then` (the outbox write of the new
     * ones) in the same transaction.
     */
    async saveClusters(projectId: string, clusters: Cluster[], then?: (orm: Orm) => Promise<unknown>): Promise<void> {
      await db.tx(async (orm) => {
        await orm.delete(t).where(eq(t.projectId, projectId));
        if (clusters.length > 0) await orm.insert(t).values(clusters.map((c) => ({ ...c, projectId })));
        await then?.(orm);
      });
    },
  };
}

/** The clusters aggregate's functions. */
export type ClusterStore = ReturnType<typeof clusterStore>;
