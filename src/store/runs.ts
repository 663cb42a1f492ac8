// CI runs as the UI lists them (a project's reports grouped by CI run id), and one test's history as
// cells: one per report, with every attempt in order, newest first.
import { sql, type SQL } from "drizzle-orm";
import type { AttemptStatus } from "../model/report.ts";
import type { Db } from "./backend/db.ts";

/** One CI run: its reports summed. A report uploaded without a run id is a run of its own (`run` null). */
export interface RunSummary {
  /** The run's key: the CI run id, or the report id when the report had none. */
  key: string;
  run: string | null;
  commit: string | null;
  branch: string | null;
  pr: string | null;
  reports: number;
  /** Reports still queued for processing. */
  pending: number;
  /** Sums over the run's reports (a job re-run counts its tests again). */
  tests: number;
  failed: number;
  flaky: number;
  startedAt: number;
  lastReportAt: number;
}

/** One report of a test's history with its attempts. */
export interface HistoryCell {
  reportId: string;
  run: string | null;
  job: string | null;
  commit: string | null;
  branch: string | null;
  pr: string | null;
  variant: string;
  at: number;
  /** Passed when any attempt passed, else the last attempt's status. */
  outcome: AttemptStatus;
  attempts: AttemptStatus[];
  incident: boolean;
}

/** A number in a report's JSON counts (0 when absent), in the dialect's syntax. */
export function reportCount(db: Db, field: string): SQL {
  return db.dialect === "pg"
    ? sql`coalesce((counts->>${field})::bigint, 0)`
    : sql`coalesce(json_extract(counts, ${`$.${field}`}), 0)`;
}

/** Runs and history cells. */
export function runStore(db: Db) {
  const countField = (field: string) => reportCount(db, field);
  /** Runs summed from their reports, newest first: all of them, or those with these run ids or lone report ids. */
  const summed = async (
    projectId: string,
    limit: number,
    before?: { startedAt: number; key: string },
    only?: { runs: string[]; lone: string[] },
  ) => {
    const list = (xs: string[]) =>
      xs.length === 0
        ? sql`null`
        : sql.join(
            xs.map((x) => sql`${x}`),
            sql`, `,
          );
    const among = only
      ? sql`and (ci_run in (${list(only.runs)}) or (ci_run is null and id in (${list(only.lone)})))`
      : sql``;
    const after = before
      ? sql`having min(received_at) < ${before.startedAt} or (min(received_at) = ${before.startedAt} and coalesce(ci_run, id) < ${before.key})`
      : sql``;
    const rows = await db.rows<Record<string, unknown>>(sql`
      select coalesce(ci_run, id) as key, max(ci_run) as run, max(commit_sha) as "commit", max(branch) as branch, max(pr) as pr,
        count(*) as reports, sum(case when state = 'queued' then 1 else 0 end) as pending,
        sum(${countField("tests")}) as tests, sum(${countField("failed")} + ${countField("error")}) as failed,
        sum(${countField("flaky")}) as flaky, min(received_at) as "startedAt", max(received_at) as "lastReportAt"
      from reports where project_id = ${projectId} ${among}
      group by coalesce(ci_run, id) ${after}
      order by min(received_at) desc, coalesce(ci_run, id) desc limit ${limit}`);
    return rows.map((r): RunSummary => ({
      key: String(r.key),
      run: (r.run as string | null) ?? null,
      commit: (r.commit as string | null) ?? null,
      branch: (r.branch as string | null) ?? null,
      pr: (r.pr as string | null) ?? null,
      reports: Number(r.reports),
      pending: Number(r.pending),
      tests: Number(r.tests),
      failed: Number(r.failed),
      flaky: Number(r.flaky),
      startedAt: Number(r.startedAt),
      lastReportAt: Number(r.lastReportAt),
    }));
  };
  return {
    /**
     * A page of a project's runs, newest first; `before` is the keyset cursor (the last run of the previous
     * page). Only the runs with a report among the newest `windowRows` reports are summed, which is exact
     * when the page's last run started after the window's oldest report (no run outside it can be newer);
     * otherwise, and for a window that held every report, every report is grouped.
     */
    async listRuns(
      projectId: string,
      limit: number,
      before?: { startedAt: number; key: string },
      windowRows = Math.max(limit * 10, 500),
    ): Promise<RunSummary[]> {
      const window = await db.rows<{ run: string | null; id: string; at: number | string }>(sql`
        select ci_run as run, id, received_at as at from reports
        where project_id = ${projectId} ${before ? sql`and received_at <= ${before.startedAt}` : sql``}
        order by received_at desc limit ${windowRows}`);
      if (window.length === 0) return [];
      if (window.length < windowRows) return summed(projectId, limit, before);
      const runs = [...new Set(window.flatMap((w) => (w.run === null ? [] : [w.run])))];
      const lone = window.flatMap((w) => (w.run === null ? [w.id] : []));
      const rows = await summed(projectId, limit, before, { runs, lone });
      const oldest = Number(window.at(-1)!.at);
      return rows.length === limit && rows[limit - 1].startedAt > oldest ? rows : summed(projectId, limit, before);
    },

    /** The last `limit` reports of a test, newest first, each with its attempts in order. */
    async historyCells(testId: string, limit: number): Promise<HistoryCell[]> {
      const rows = await db.rows<Record<string, unknown>>(sql`
        select rep.id as "reportId", rep.ci_run as run, rep.job, rep.commit_sha as "commit", rep.branch, rep.pr, rep.variant,
          rep.received_at as at, r.attempt, r.status, case when i.id is null then 0 else 1 end as incident
        from (
          select rep.id, rep.received_at from results r join reports rep on rep.id = r.report_id
          where r.test_id = ${testId} and r.attempt = 1 and rep.state = 'processed'
          order by rep.received_at desc, rep.id desc limit ${limit}
        ) last
        join reports rep on rep.id = last.id
        join results r on r.report_id = rep.id and r.test_id = ${testId}
        left join incidents i on i.report_id = rep.id
        order by rep.received_at desc, rep.id desc, r.attempt`);
      const cells: HistoryCell[] = [];
      for (const r of rows) {
        let cell = cells.at(-1);
        if (!cell || cell.reportId !== r.reportId) {
          cell = {
            reportId: String(r.reportId),
            run: (r.run as string | null) ?? null,
            job: (r.job as string | null) ?? null,
            commit: (r.commit as string | null) ?? null,
            branch: (r.branch as string | null) ?? null,
            pr: (r.pr as string | null) ?? null,
            variant: String(r.variant),
            at: Number(r.at),
            outcome: "passed",
            attempts: [],
            incident: Number(r.incident) === 1,
          };
          cells.push(cell);
        }
        cell.attempts.push(r.status as AttemptStatus);
      }
      for (const c of cells) c.outcome = c.attempts.includes("passed") ? "passed" : c.attempts.at(-1)!;
      return cells;
    },
  };
}

/** The runs store's functions. */
export type RunStore = ReturnType<typeof runStore>;
