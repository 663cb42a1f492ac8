import { sql } from "drizzle-orm";
import type { AttemptStatus } from "../model/report.ts";
import type { Observation } from "../model/verdict.ts";
import { rawSqlite, sqliteAll } from "./backend/bulk.ts";
import type { Db } from "./backend/db.ts";
import type { HistoryCache, TestInReport } from "./history-cache.ts";

/** What one test did in one report, folded over its attempts (the report's own fields come separately). */
interface TestInReportRow {
  testId: string;
  reportId: string;
  anyPass: number | string;
  anyFail: number | string;
  finalStatus: string | null;
  attempts: number | string;
  fingerprint: string | null;
}

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
        where rep.project_id = ${projectId} and rep.ci_run = ${run}
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
        where rep.project_id = ${projectId} and rep.commit_sha = ${commit} and rep.id not in (${skip})
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

// A test's attempts in one report, folded: did any pass, did any fail, the final attempt's status.
const ANY_PASS = "max(case when r.status = 'passed' then 1 else 0 end)";
const ANY_FAIL = "max(case when r.status in ('failed', 'error') then 1 else 0 end)";
const FINAL_STATUS = "max(case when r.final then r.status end)";

/** One test's newest reports on SQLite, read backwards along the test-keyed index (no sort), stopping at the limit. */
const SQLITE_TEST_HISTORY = `select r.test_id as "testId", r.report_id as "reportId", ${ANY_PASS} as "anyPass", ${ANY_FAIL} as "anyFail",
  ${FINAL_STATUS} as "finalStatus", count(*) as "attempts", min(r.fingerprint) as "fingerprint"
  from results r where r.test_id = ? group by r.report_id order by r.report_id desc limit ?`;

/** What each test did in each of its last `limit` reports (or more), folded over attempts, in no set order. */
async function testReportRows(db: Db, testIds: string[], limit: number): Promise<TestInReportRow[]> {
  const raw = rawSqlite(db.orm);
  if (raw) {
    // One prepared read per test, so a test with a long history (90 days of CI runs) is read to its
    // newest `limit` reports, not whole. Full rescore of 2,000 tests with 1,000 reports each: 5.8 → 2.5 s;
    // with 400 each (nothing to cut) one IN-list query for the batch was 10–30 % faster.
    const out: TestInReportRow[] = [];
    for (const id of testIds)
      for (const row of sqliteAll<TestInReportRow>(raw, SQLITE_TEST_HISTORY, [id, limit])) out.push(row);
    return out;
  }
  if (db.dialect === "pg") {
    // One index range per test, newest first, stopping at `limit` reports: the plan does not depend on
    // table statistics (PGlite has no autovacuum, and a fresh PostgreSQL table has none yet; without them
    // an IN list was read by a sequential scan of all results per batch), and a long history is not read
    // whole. Each test's reports come packed in one string: decoding 400k rows cost PGlite 4 times the query.
    const ids = sql.join(
      testIds.map((id) => sql`(${id})`),
      sql`, `,
    );
    const packed = await db.rows<{ testId: string; h: string }>(sql`
      select t.id as "testId", string_agg(h.x, ',') as "h" from (values ${ids}) as t(id)
      cross join lateral (
        select r.report_id || ' ' || ${sql.raw(ANY_PASS)} || ' ' || ${sql.raw(ANY_FAIL)} || ' ' || coalesce(${sql.raw(FINAL_STATUS)}, '')
          || ' ' || count(*) || ' ' || coalesce(min(r.fingerprint), '') as x
        from results r where r.test_id = t.id
        group by r.report_id order by r.report_id desc limit ${limit}) h
      group by t.id`);
    return packed.flatMap(({ testId, h }) =>
      h.split(",").map((entry) => {
        // Fingerprints are hex and report ids UUIDs, so neither holds a space or a comma.
        const [reportId, anyPass, anyFail, finalStatus, attempts, fingerprint] = entry.split(" ");
        return {
          testId,
          reportId,
          anyPass,
          anyFail,
          finalStatus: finalStatus || null,
          attempts,
          fingerprint: fingerprint || null,
        };
      }),
    );
  }
  // node:sqlite under Deno (no raw connection to prepare on): one query for the batch, grouped in the
  // order of the test-keyed index; it reads each test's whole history and keeps the newest `limit`.
  const ids = sql.join(
    testIds.map((id) => sql`${id}`),
    sql`, `,
  );
  return db.rows<TestInReportRow>(sql`
    select r.test_id as "testId", r.report_id as "reportId", ${sql.raw(ANY_PASS)} as "anyPass", ${sql.raw(ANY_FAIL)} as "anyFail",
      ${sql.raw(FINAL_STATUS)} as "finalStatus", count(*) as "attempts", min(r.fingerprint) as "fingerprint" from results r
    where r.test_id in (${ids})
    group by r.test_id, r.report_id
    order by r.test_id, r.report_id`);
}

/** The last `limit` rows of each test, oldest first, by test id (report ids are time-ordered). */
function newestPerTest(rows: TestInReportRow[], limit: number): Map<string, TestInReport[]> {
  const byTest = new Map<string, TestInReport[]>();
  for (const r of rows) {
    const row: TestInReport = {
      reportId: r.reportId,
      anyPass: Number(r.anyPass) === 1,
      anyFail: Number(r.anyFail) === 1,
      finalStatus: r.finalStatus,
      attempts: Number(r.attempts),
      fingerprint: r.fingerprint,
    };
    const list = byTest.get(r.testId);
    if (list) list.push(row);
    else byTest.set(r.testId, [row]);
  }
  // Each test's rows come already sorted (newest first from the per-test reads, oldest first from Deno's
  // batch query), which the sort takes in linear time.
  for (const [id, list] of byTest) {
    list.sort((a, b) => (a.reportId < b.reportId ? -1 : a.reportId > b.reportId ? 1 : 0));
    if (list.length > limit) byTest.set(id, list.slice(list.length - limit));
  }
  return byTest;
}

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

/** The fields observations share, per report id (incident: the report was recorded as an infrastructure incident). */
async function reportsById(db: Db, reportIds: string[], cache: ReportCache) {
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
      from reports rep where rep.id in (${ids})`);
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
