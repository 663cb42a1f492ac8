/** GitHub: installations, which project a repository reports into, webhook deliveries (each processed once), and what we posted. */
import { and, eq, isNull } from "drizzle-orm";
import type { Db, Orm } from "./backend/db.ts";

/** A repository linked to a project. */
export interface GitHubRepository {
  fullName: string;
  installationId: string | null;
  projectId: string;
}

/** A stored webhook delivery. */
export interface GitHubDelivery {
  id: string;
  event: string;
  action: string | null;
  payload: Record<string, unknown>;
  processedAt: number | null;
}

/** Something FlakeGuard posted on GitHub: a check run, the PR comment, an issue. */
export interface GitHubObject {
  repo: string;
  kind: "check_run" | "pr_comment" | "issue";
  key: string;
  /** GitHub's id (check run, comment) or number (issue). */
  number: string;
  state: string;
  bodyHash: string | null;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** The GitHub aggregate. */
export function githubStore(db: Db) {
  const { githubInstallations: inst, githubRepositories: repos, githubDeliveries: del, githubObjects: obj } = db.schema;
  return {
    /**
     * Stores a delivery and, in the same transaction, whatever `then` enqueues; false when this
     * delivery id was seen before (a redelivery), in which case nothing is written.
     */
    async recordDelivery(
      d: { id: string; event: string; action: string | null; payload: Record<string, unknown> },
      now: number,
      then: (orm: Orm) => Promise<unknown>,
    ): Promise<boolean> {
      return db.tx(async (orm) => {
        const inserted = await orm
          .insert(del)
          .values({ ...d, receivedAt: now })
          .onConflictDoNothing({ target: del.id })
          .returning({ id: del.id });
        if (inserted.length === 0) return false;
        await then(orm);
        return true;
      });
    },

    /** A delivery by id. */
    async getDelivery(id: string): Promise<GitHubDelivery | undefined> {
      const [row] = await db.orm
        .select({
          id: del.id,
          event: del.event,
          action: del.action,
          payload: del.payload,
          processedAt: del.processedAt,
        })
        .from(del)
        .where(eq(del.id, id));
      return row;
    },

    /** Marks a delivery processed (with the error that stopped it, if one did); its payload is dropped, the id stays to refuse redeliveries. */
    async finishDelivery(id: string, now: number, error: string | null): Promise<void> {
      await db.tx((orm) =>
        orm
          .update(del)
          .set({ processedAt: now, error: error?.slice(0, 4000) ?? null, payload: {} })
          .where(eq(del.id, id)),
      );
    },

    /** Records an installation (or its return after a removal). */
    async saveInstallation(id: string, account: string, now: number): Promise<void> {
      await db.tx((orm) =>
        orm
          .insert(inst)
          .values({ id, account, createdAt: now, updatedAt: now, removedAt: null })
          .onConflictDoUpdate({ target: inst.id, set: { account, updatedAt: now, removedAt: null } }),
      );
    },

    /** Marks an installation removed and forgets its repositories' App access (their projects stay). */
    async removeInstallation(id: string, now: number): Promise<void> {
      await db.tx(async (orm) => {
        await orm.update(inst).set({ removedAt: now, updatedAt: now }).where(eq(inst.id, id));
        await orm.update(repos).set({ installationId: null, updatedAt: now }).where(eq(repos.installationId, id));
      });
    },

    /** Whether the installation is known and not removed. */
    async hasInstallation(id: string): Promise<boolean> {
      const rows = await db.orm
        .select({ id: inst.id })
        .from(inst)
        .where(and(eq(inst.id, id), isNull(inst.removedAt)));
      return rows.length > 0;
    },

    /** Links a repository to a project (or moves it to another installation). */
    async linkRepository(r: GitHubRepository, now: number): Promise<void> {
      const fullName = r.fullName.toLowerCase();
      await db.tx((orm) =>
        orm
          .insert(repos)
          .values({ ...r, fullName, createdAt: now, updatedAt: now })
          .onConflictDoUpdate({
            target: repos.fullName,
            set: { installationId: r.installationId, projectId: r.projectId, updatedAt: now },
          }),
      );
    },

    /** Drops the App's access to a repository (removed from the installation); the project keeps its data. */
    async detachRepository(fullName: string, now: number): Promise<void> {
      await db.tx((orm) =>
        orm
          .update(repos)
          .set({ installationId: null, updatedAt: now })
          .where(eq(repos.fullName, fullName.toLowerCase())),
      );
    },

    /** The repository's link, if any. */
    async getRepository(fullName: string): Promise<GitHubRepository | undefined> {
      const [row] = await db.orm
        .select({ fullName: repos.fullName, installationId: repos.installationId, projectId: repos.projectId })
        .from(repos)
        .where(eq(repos.fullName, fullName.toLowerCase()));
      return row;
    },

    /** The repositories that report into a project. */
    async repositoriesOf(projectId: string): Promise<GitHubRepository[]> {
      return db.orm
        .select({ fullName: repos.fullName, installationId: repos.installationId, projectId: repos.projectId })
        .from(repos)
        .where(eq(repos.projectId, projectId))
        .orderBy(repos.fullName);
    },

    /** Linked repositories that have an open issue of ours, with their installation and project. */
    async repositoriesWithOpenIssues(): Promise<GitHubRepository[]> {
      return db.orm
        .selectDistinct({ fullName: repos.fullName, installationId: repos.installationId, projectId: repos.projectId })
        .from(repos)
        .innerJoin(obj, and(eq(obj.repo, repos.fullName), eq(obj.kind, "issue"), eq(obj.state, "open")));
    },

    /** One posted object. */
    async getObject(repo: string, kind: GitHubObject["kind"], key: string): Promise<GitHubObject | undefined> {
      const [row] = await db.orm
        .select()
        .from(obj)
        .where(and(eq(obj.repo, repo.toLowerCase()), eq(obj.kind, kind), eq(obj.key, key)));
      return row as GitHubObject | undefined;
    },

    /** A repository's posted objects of one kind. */
    async listObjects(repo: string, kind: GitHubObject["kind"]): Promise<GitHubObject[]> {
      return (await db.orm
        .select()
        .from(obj)
        .where(and(eq(obj.repo, repo.toLowerCase()), eq(obj.kind, kind)))) as GitHubObject[];
    },

    /** Creates or replaces a posted object's record. */
    async saveObject(o: Omit<GitHubObject, "createdAt" | "updatedAt">, now: number): Promise<void> {
      const row = { ...o, repo: o.repo.toLowerCase(), createdAt: now, updatedAt: now };
      await db.tx((orm) =>
        orm
          .insert(obj)
          .values(row)
          .onConflictDoUpdate({
            target: [obj.repo, obj.kind, obj.key],
            set: { number: o.number, state: o.state, bodyHash: o.bodyHash, data: o.data, updatedAt: now },
          }),
      );
    },
  };
}

/** The GitHub aggregate's functions. */
export type GitHubStore = ReturnType<typeof githubStore>;
