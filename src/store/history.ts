import { sql } from "drizzle-orm";
import type { AttemptStatus } from "../model/report.ts";
import type { Observation } from "../model/verdict.ts";
import type { Db } from "./db.ts";

interface Row {
  testId: string; reportId: string; run: string | null; job: string | null; jobAttempt: number | string;
  commit: string | null; branch: string | null; pr: string | null; variant: string; receivedAt: number | string;
  anyPass: number | string; anyFail: number | string; finalStatus: string; attempts: number | string;
  fingerprint: string | null; incident: number | string;
}

/** Test histories: what each test did in each report, newest first, folded over its attempts. */
export function historyStore(db: Db) {
  return {
    /** The last `limit` observations of each test, oldest first, keyed by test id. */
    async observations(testIds: string[], limit: number): Promise<Map<string, Observation[]>> {
      const out = new Map<string, Observation[]>();
      if (testIds.length === 0) return out;
      const ids = sql.join(testIds.map((id) => sql`${id}`), sql`, `);
      const rows = await db.rows<Row>(sql`
        select * from (
          select r.test_id as "testId", rep.id as "reportId", rep.ci_run as "run", rep.job as "job",
            rep.attempt as "jobAttempt", rep.commit_sha as "commit", rep.branch as "branch", rep.pr as "pr",
            rep.variant as "variant", rep.received_at as "receivedAt",
            max(case when r.status = 'passed' then 1 else 0 end) as "anyPass",
            max(case when r.status in ('failed', 'error') then 1 else 0 end) as "anyFail",
            max(case when r.final then r.status end) as "finalStatus",
            count(*) as "attempts", min(r.fingerprint) as "fingerprint",
            max(case when i.id is null then 0 else 1 end) as "incident",
            row_number() over (partition by r.test_id order by rep.received_at desc, rep.id desc) as rn
          from results r
          join reports rep on rep.id = r.report_id
          left join incidents i on i.report_id = rep.id
          where r.test_id in (${ids})
          group by r.test_id, rep.id, rep.ci_run, rep.job, rep.attempt, rep.commit_sha, rep.branch, rep.pr, rep.variant, rep.received_at
        ) h where rn <= ${limit}
        order by "testId", "receivedAt", "reportId"`);
      for (const r of rows) {
        const anyPass = Number(r.anyPass) === 1;
        const anyFail = Number(r.anyFail) === 1;
        const observation: Observation = {
          reportId: r.reportId, run: r.run, job: r.job, jobAttempt: Number(r.jobAttempt), commit: r.commit,
          branch: r.branch, pr: r.pr, variant: r.variant, receivedAt: Number(r.receivedAt),
          outcome: anyPass ? "passed" : (r.finalStatus as AttemptStatus),
          retriedPass: anyPass && anyFail, attempts: Number(r.attempts), fingerprint: r.fingerprint,
          incident: Number(r.incident) === 1,
        };
        const list = out.get(r.testId);
        if (list) list.push(observation);
        else out.set(r.testId, [observation]);
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
        where rep.project_id = ${projectId} and rep.ci_run = ${run}
        group by rep.id, rep.job, rep.attempt, rep.variant, rep.commit_sha, t.id, t.suite, t.name, t.file
        having max(case when r.status in ('failed', 'error') then 1 else 0 end) = 1
        order by t.suite, t.name, rep.id`);
      return rows.map((r) => ({
        reportId: String(r.reportId), job: (r.job as string | null) ?? null, jobAttempt: Number(r.jobAttempt),
        variant: String(r.variant), commit: (r.commit as string | null) ?? null, testId: String(r.testId),
        suite: String(r.suite), name: String(r.name), file: String(r.file),
        fingerprint: (r.fingerprint as string | null) ?? null, message: (r.message as string | null) ?? null,
        passedOnRetry: Number(r.anyPass) === 1,
      }));
    },

    /** Tests that failed on `commit` in reports other than `except` (a pass now is same-commit evidence). */
    async failedOnCommit(projectId: string, commit: string, except: string[]): Promise<Set<string>> {
      const skip = sql.join(except.map((id) => sql`${id}`), sql`, `);
      const rows = await db.rows<{ testId: string }>(sql`
        select distinct r.test_id as "testId" from reports rep join results r on r.report_id = rep.id
        where rep.project_id = ${projectId} and rep.commit_sha = ${commit} and rep.id not in (${skip})
          and r.status in ('failed', 'error')`);
      return new Set(rows.map((r) => r.testId));
    },

    /** Reports of a CI run. */
    async runReports(projectId: string, run: string): Promise<{ id: string; job: string | null; state: string }[]> {
      return db.rows(sql`select id, job, state from reports where project_id = ${projectId} and ci_run = ${run} order by received_at`);
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
