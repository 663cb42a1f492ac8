import { asc, eq } from "drizzle-orm";
import { AppError } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import type { Project } from "../model/project.ts";
import type { Db } from "./backend/db.ts";

/** Input for a new project. */
export interface NewProject {
  slug: string;
  name: string;
  defaultBranch: string;
}

/** Projects: create, look up, list. */
export function projectStore(db: Db) {
  const t = db.schema.projects;
  return {
    /** Creates a project; 409 when the slug is taken. */
    async createProject(input: NewProject, now: number): Promise<Project> {
      const row = { id: newId(now), ...input, createdAt: now };
      const inserted = await db.tx((orm) =>
        orm.insert(t).values(row).onConflictDoNothing({ target: t.slug }).returning(),
      );
      if (inserted.length === 0) throw new AppError(409, "conflict", `project '${input.slug}' already exists`);
      return inserted[0];
    },

    /** The project with this slug, if any. */
    async getProject(slug: string): Promise<Project | undefined> {
      const rows = await db.orm.select().from(t).where(eq(t.slug, slug)).limit(1);
      return rows[0];
    },

    /** The project with this id, if any. */
    async getProjectById(id: string): Promise<Project | undefined> {
      const rows = await db.orm.select().from(t).where(eq(t.id, id)).limit(1);
      return rows[0];
    },

    /** Every project, by slug. */
    async listProjects(): Promise<Project[]> {
      return db.orm.select().from(t).orderBy(asc(t.slug));
    },
  };
}

/** The projects aggregate's functions. */
export type ProjectStore = ReturnType<typeof projectStore>;
