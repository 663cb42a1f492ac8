import { sql } from "drizzle-orm";
import type { AttemptStatus } from "../model/report.ts";
import type { Observation } from "../model/verdict.ts";
import { rawSqlite } from "./backend/bulk.ts";
import type { Db } from "./backend/db.ts";
import type { HistoryCache, TestInReport } from "./history-cache.ts";
import { reportsById, type ReportCache } from "./history-reports.ts";
import { newestPerTest, testReportRows } from "./history-rows.ts";

export type { ReportCache } from "./history-reports.ts";

/**
 * Test histories: what each test did in each report, newest first, folded over its attempts. With a
 * `cache` (only where this process is the database's only writer), tests scored lately are not read again.
 */
export function historyStore(db: Db, cache?: HistoryCache) {
  return {
    /**
     * History reads worth running at once: PostgreSQL runs each on its own pooled connection and core (a
     * full rescore of 2,000 tests × 500 reports: 3.7–5.0 s one batch at a time, 2.3–2.5 s three at once);
     * SQLite and PGlite have one connection, where a read ahead would only hold more memory.
     */
    readsAtOnce: db.backend === "postgres" ? 3 : 1,

    /**
     * The last `limit` observations of each test, oldest first, keyed by test id. A report's fields are read
     * once and shared by the observations of all its tests: a full rescore holds hundreds of tests that
     * share the same few hundred reports, and one row per test and report carrying every field made it
     * hold hundreds of MB at once.
     */
    async observations(
      testIds: string[],
      limit: number,
      reportCache: ReportCache = new Map(),
    ): Promise<Map<string, Observation[]>> {
      const out = new Map<string, Observation[]>();
      if (testIds.length === 0) return out;
      const byTest = new Map<string, TestInReport[]>();
      const missing: string[] = [];
      for (const id of testIds) {
        const rows = cache?.get(id, limit);
        if (rows) byTest.set(id, rows);
        else missing.push(id);
      }
      if (missing.length > 0) {
        // Kept only if it saw committed data and no commit happened meanwhile (one it may have missed):
        // on SQLite a read inside another caller's open transaction sees its uncommitted rows.
        const writes = cache?.writes;
        const committed = !rawSqlite(db.orm)?.inTransaction;
        const read = newestPerTest(await testReportRows(db, missing, limit), limit);
        const keep = cache && committed && cache.writes === writes;
        for (const id of missing) {
          const rows = read.get(id) ?? [];
          if (keep) cache.put(id, rows, limit);
          byTest.set(id, rows);
        }
      }
      const reportIds = new Set<string>();
      for (const rows of byTest.values()) for (const r of rows) reportIds.add(r.reportId);
      const reports = await reportsById(db, [...reportIds], reportCache);
      for (const [testId, rows] of byTest) {
        const list: Observation[] = [];
        for (const r of rows) {
          const rep = reports.get(r.reportId);
          if (!rep) continue; // deleted by retention between the two reads
          r.reportId = rep.reportId; // one string per report, not one per row held in the cache
          list.push({
            ...rep,
            outcome: r.anyPass ? "passed" : (r.finalStatus as AttemptStatus),
            retriedPass: r.anyPass && r.anyFail,
            attempts: r.attempts,
            fingerprint: r.fingerprint,
          });
        }
        if (list.length > 0) out.set(testId, list);
      }
      return out;
    },

    /** The tests that failed in a CI run (no attempt passed), per report, with their first failure. */
    async runFailures(projectId: string, run: string): Promise<RunFailure[]> {
      const rows = await db.rows<Record<string, unknown>>(sql`
        select rep.id as "reportId", rep.job as "job", rep.attempt as "jobAttempt", rep.variant as "variant",
          rep.commit_sha as "commit", t.id as "testId", t.suite as "suite", t.name as "name", t.file as "file",
          min(r.fingerprint) as "fingerprint", min(r.message) as "message",
          max(case when r.status = 'passed' then 1 else 0 end) as "anyPass",
          max(case when r.status in ('failed', 'error') then 1 else 0 end) as "anyFail"
        from reports rep
        join results r on r.report_id = rep.id
        join tests t on t.id = r.test_id
        where rep.project_id = ${projectId} and rep.ci_run = ${run} and rep.state = 'processed'
        group by rep.id, rep.job, rep.attempt, rep.variant, rep.commit_sha, t.id, t.suite, t.name, t.file
        having max(case when r.status in ('failed', 'error') then 1 else 0 end) = 1
        order by t.suite, t.name, rep.id`);
      return rows.map((r) => ({
        reportId: String(r.reportId),
        job: (r.job as string | null) ?? null,
        jobAttempt: Number(r.jobAttempt),
        variant: String(r.variant),
        commit: (r.commit as string | null) ?? null,
        testId: String(r.testId),
        suite: String(r.suite),
        name: String(r.name),
        file: String(r.file),
        fingerprint: (r.fingerprint as string | null) ?? null,
        message: (r.message as string | null) ?? null,
        passedOnRetry: Number(r.anyPass) === 1,
      }));
    },

    /** Tests that failed on `commit` in reports other than `except` (a pass now is same-commit evidence). */
    async failedOnCommit(projectId: string, commit: string, except: string[]): Promise<Set<string>> {
      const skip = sql.join(
        except.map((id) => sql`${id}`),
        sql`, `,
      );
      const rows = await db.rows<{ testId: string }>(sql`
        select distinct r.test_id as "testId" from reports rep join results r on r.report_id = rep.id
        where rep.project_id = ${projectId} and rep.commit_sha = ${commit} and rep.id not in (${skip}) and rep.state = 'processed'
          and r.status in ('failed', 'error')`);
      return new Set(rows.map((r) => r.testId));
    },

    /** Reports of a CI run. */
    async runReports(projectId: string, run: string): Promise<{ id: string; job: string | null; state: string }[]> {
      return db.rows(
        sql`select id, job, state from reports where project_id = ${projectId} and ci_run = ${run} order by received_at`,
      );
    },
  };
}

/** One failing test of a CI run. */
export interface RunFailure {
  reportId: string;
  job: string | null;
  jobAttempt: number;
  variant: string;
  commit: string | null;
  testId: string;
  suite: string;
  name: string;
  file: string;
  fingerprint: string | null;
  message: string | null;
  /** It failed, then passed on a retry in the same report: not blocking, but flaky evidence. */
  passedOnRetry: boolean;
}

/** The history aggregate's functions. */
export type HistoryStore = ReturnType<typeof historyStore>;
