// Reading what each test did in each of its newest reports, folded over attempts: one way per backend.
import { sql } from "drizzle-orm";
import { yielder } from "../lib/yield.ts";
import { rawSqlite, sqliteAll } from "./backend/bulk.ts";
import type { Db } from "./backend/db.ts";
import type { TestInReport } from "./history-cache.ts";

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

// A test's attempts in one report, folded: did any pass, did any fail, the final attempt's status.
const ANY_PASS = "max(case when r.status = 'passed' then 1 else 0 end)";
const ANY_FAIL = "max(case when r.status in ('failed', 'error') then 1 else 0 end)";
const FINAL_STATUS = "max(case when r.final then r.status end)";

/** One test's newest reports on SQLite, read backwards along the test-keyed index (no sort), stopping at the limit. */
const SQLITE_TEST_HISTORY = `select r.test_id as "testId", r.report_id as "reportId", ${ANY_PASS} as "anyPass", ${ANY_FAIL} as "anyFail",
  ${FINAL_STATUS} as "finalStatus", count(*) as "attempts", min(r.fingerprint) as "fingerprint"
  from results r where r.test_id = ? group by r.report_id order by r.report_id desc limit ?`;

/** What each test did in each of its last `limit` reports (or more), folded over attempts, in no set order. */
export async function testReportRows(db: Db, testIds: string[], limit: number): Promise<TestInReportRow[]> {
  const raw = rawSqlite(db.orm);
  if (raw) {
    // One prepared read per test, so a test with a long history (90 days of CI runs) is read to its
    // newest `limit` reports, not whole. Full rescore of 2,000 tests with 1,000 reports each: 5.8 → 2.5 s;
    // with 400 each (nothing to cut) one IN-list query for the batch was 10–30 % faster.
    const out: TestInReportRow[] = [];
    // 2,000 synchronous reads at a time: turns for the event loop between them. Checked every 8 reads: a
    // read of a test's index pages not cached yet takes a millisecond or more (every 128 reads made turns of
    // 200 ms, the commonest long turn of bench:ingest --stall 1000000).
    const maybeYield = yielder();
    for (let i = 0; i < testIds.length; i++) {
      if (i % 8 === 0) await maybeYield();
      for (const row of sqliteAll<TestInReportRow>(raw, SQLITE_TEST_HISTORY, [testIds[i], limit])) out.push(row);
    }
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
export function newestPerTest(rows: TestInReportRow[], limit: number): Map<string, TestInReport[]> {
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
