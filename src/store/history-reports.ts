// The report fields a test history shares across its observations, read once per report.
import { sql } from "drizzle-orm";
import type { Observation } from "../model/verdict.ts";
import type { Db } from "./backend/db.ts";

/** One report's fields, shared by every observation of it. */
interface ReportRow {
  reportId: string;
  run: string | null;
  job: string | null;
  jobAttempt: number | string;
  commit: string | null;
  branch: string | null;
  pr: string | null;
  variant: string;
  receivedAt: number | string;
  incident: number | string;
}

/** Placeholders per query: far below SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const IDS_PER_QUERY = 1000;

/** Report fields already read, by id: the batches of one rescore share most of their reports. */
export type ReportCache = Map<
  string,
  Pick<
    Observation,
    "reportId" | "run" | "job" | "jobAttempt" | "commit" | "branch" | "pr" | "variant" | "receivedAt" | "incident"
  >
>;
/** Reports a cache holds at most (~200 bytes each); past it, it starts over. */
const REPORT_CACHE_MAX = 100_000;

/**
 * The fields observations share, per report id (incident: the report was recorded as an infrastructure
 * incident). Only processed reports: a wide report stored in pieces is not seen until its last one commits.
 */
export async function reportsById(db: Db, reportIds: string[], cache: ReportCache) {
  let missing = reportIds.filter((id) => !cache.has(id));
  if (cache.size + missing.length > REPORT_CACHE_MAX) {
    cache.clear();
    missing = reportIds;
  }
  for (let i = 0; i < missing.length; i += IDS_PER_QUERY) {
    const ids = sql.join(
      missing.slice(i, i + IDS_PER_QUERY).map((id) => sql`${id}`),
      sql`, `,
    );
    const rows = await db.rows<ReportRow>(sql`
      select rep.id as "reportId", rep.ci_run as "run", rep.job as "job", rep.attempt as "jobAttempt",
        rep.commit_sha as "commit", rep.branch as "branch", rep.pr as "pr", rep.variant as "variant",
        rep.received_at as "receivedAt", case when exists (select 1 from incidents i where i.report_id = rep.id) then 1 else 0 end as "incident"
      from reports rep where rep.id in (${ids}) and rep.state = 'processed'`);
    for (const r of rows) {
      cache.set(r.reportId, {
        reportId: r.reportId,
        run: r.run,
        job: r.job,
        jobAttempt: Number(r.jobAttempt),
        commit: r.commit,
        branch: r.branch,
        pr: r.pr,
        variant: r.variant,
        receivedAt: Number(r.receivedAt),
        incident: Number(r.incident) === 1,
      });
    }
  }
  return cache;
}
