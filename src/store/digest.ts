import { sql } from "drizzle-orm";
import type { Db } from "./backend/db.ts";

/** A project's figures for the daily digest. */
export interface ProjectSummary {
  tests: number;
  flaky: number;
  broken: number;
  quarantined: number;
}

/** The daily digest's figures: tests by overall verdict, and active quarantines. */
export function digestStore(db: Db) {
  return {
    /** How many tests a project has, how many are flaky or broken, and how many are quarantined. */
    async projectSummary(projectId: string): Promise<ProjectSummary> {
      const [r] = await db.rows<Record<string, unknown>>(sql`
        select
          (select count(*) from tests where project_id = ${projectId}) as tests,
          (select count(*) from verdicts where project_id = ${projectId} and variant = '' and status = 'flaky') as flaky,
          (select count(*) from verdicts where project_id = ${projectId} and variant = '' and status = 'broken') as broken,
          (select count(*) from quarantines where project_id = ${projectId} and state = 'active') as quarantined`);
      return {
        tests: Number(r.tests),
        flaky: Number(r.flaky),
        broken: Number(r.broken),
        quarantined: Number(r.quarantined),
      };
    },
  };
}

/** The digest aggregate's functions. */
export type DigestStore = ReturnType<typeof digestStore>;
