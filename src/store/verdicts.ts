import { and, eq, sql, type SQL } from "drizzle-orm";
import { inIds } from "./backend/bulk.ts";
import type { TestVerdicts, Verdict, VerdictStatus } from "../model/verdict.ts";
import type { Db, Orm } from "./backend/db.ts";

/** A test with its verdict (less the evidence), as listed. */
export interface TestListItem extends Omit<Verdict, "evidence"> {
  id: string;
  suite: string;
  name: string;
  file: string;
  lastSeenAt: number;
}

/** How the test list is sorted. */
export type TestSort = "score" | "failures" | "recent";

/** Filters of the test list; `after` is the keyset cursor (the last item of the previous page). */
export interface TestQuery {
  status?: VerdictStatus;
  q?: string;
  sort: TestSort;
  variant: string;
  limit: number;
  after?: { value: number; id: string };
  /** Only these tests (e.g. the quarantined ones). */
  ids?: string[];
}

/** Test ids per read of `cleanVerdicts`: a 200,000-test report is read in pieces, not one parameter list. */
const CLEAN_READ_IDS = 5_000;

/** Verdicts per test and variant ("" is overall). */
export function verdictStore(db: Db) {
  const v = db.schema.verdicts;
  /** A page of tests; `stored` lists only tests with a stored verdict of `query.status`. */
  async function listPage(projectId: string, query: TestQuery, stored: boolean): Promise<TestListItem[]> {
    // A status other than `new` is always a stored verdict: an inner join driven by the verdicts'
    // (project, variant, status, score desc, test) index reads those rows only, not every test of the
    // project, and sorted by score it reads them in index order and stops at the page's end.
    const scored = stored || (query.status !== undefined && query.status !== "new");
    const key: Record<TestSort, SQL> = {
      score: scored ? sql`v.score` : sql`coalesce(v.score, 0)`,
      failures: sql`coalesce(v.failures, 0)`,
      recent: sql`coalesce(v.last_failure_at, 0)`,
    };
    const id = scored ? sql`v.test_id` : sql`t.id`;
    // PostgreSQL sorts DESC with NULLs first unless told; the index has them last (score is never NULL).
    const nulls = scored && query.sort === "score" && db.dialect === "pg" ? sql` nulls last` : sql``;
    const conditions: SQL[] = [sql`t.project_id = ${projectId}`];
    if (scored) conditions.push(sql`v.project_id = ${projectId} and v.status = ${query.status}`);
    else if (query.status) conditions.push(sql`coalesce(v.status, 'new') = ${query.status}`);
    if (query.ids) {
      if (query.ids.length === 0) return [];
      conditions.push(
        sql`t.id in (${sql.join(
          query.ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    }
    if (query.q) {
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(
        sql`(lower(t.name) like ${like} escape '\\' or lower(t.suite) like ${like} escape '\\' or lower(t.file) like ${like} escape '\\')`,
      );
    }
    if (query.after) {
      conditions.push(
        sql`(${key[query.sort]} < ${query.after.value} or (${key[query.sort]} = ${query.after.value} and ${id} > ${query.after.id}))`,
      );
    }
    const rows = await db.rows<Record<string, unknown>>(sql`
      select t.id, t.suite, t.name, t.file, t.last_seen_at as "lastSeenAt",
        coalesce(v.status, 'new') as status, coalesce(v.score, 0) as score, coalesce(v.low, 0) as low,
        coalesce(v.high, 1) as high, coalesce(v.failure_rate, 0) as "failureRate", coalesce(v.runs, 0) as runs,
        coalesce(v.failures, 0) as failures, v.last_failure_at as "lastFailureAt"
      from tests t ${scored ? sql`join` : sql`left join`} verdicts v on v.test_id = t.id and v.variant = ${query.variant}
      where ${sql.join(conditions, sql` and `)}
      order by ${key[query.sort]} desc${nulls}, ${id} asc
      limit ${query.limit}`);
    return rows.map((r) => ({
      id: String(r.id),
      suite: String(r.suite),
      name: String(r.name),
      file: String(r.file),
      status: r.status as VerdictStatus,
      score: Number(r.score),
      low: Number(r.low),
      high: Number(r.high),
      failureRate: Number(r.failureRate),
      runs: Number(r.runs),
      failures: Number(r.failures),
      lastFailureAt: r.lastFailureAt == null ? null : Number(r.lastFailureAt),
      lastSeenAt: Number(r.lastSeenAt),
    }));
  }

  return {
    /** Replaces the verdicts of the given tests, overall and per variant; `then` writes in the same transaction (the outbox). */
    async saveVerdicts(
      projectId: string,
      verdicts: Map<string, TestVerdicts>,
      now: number,
      then?: (orm: Orm) => Promise<unknown>,
    ): Promise<void> {
      const rows = [...verdicts.entries()].flatMap(([testId, tv]) =>
        [["", tv.overall] as const, ...Object.entries(tv.variants)].map(([variant, x]) => ({
          testId,
          variant,
          projectId,
          status: x.status,
          score: x.score,
          low: x.low,
          high: x.high,
          failureRate: x.failureRate,
          runs: x.runs,
          failures: x.failures,
          lastFailureAt: x.lastFailureAt,
          evidence: x.evidence as unknown[],
          updatedAt: now,
        })),
      );
      if (rows.length === 0) return;
      await db.tx(async (orm) => {
        for (let i = 0; i < rows.length; i += 300) {
          await orm
            .insert(v)
            .values(rows.slice(i, i + 300))
            .onConflictDoUpdate({
              target: [v.testId, v.variant],
              set: {
                status: sql`excluded.status`,
                score: sql`excluded.score`,
                low: sql`excluded.low`,
                high: sql`excluded.high`,
                failureRate: sql`excluded.failure_rate`,
                runs: sql`excluded.runs`,
                failures: sql`excluded.failures`,
                lastFailureAt: sql`excluded.last_failure_at`,
                evidence: sql`excluded.evidence`,
                updatedAt: sql`excluded.updated_at`,
              },
            });
        }
        await then?.(orm);
      });
    },

    /**
     * Of `testIds`, those whose overall verdict is clean — healthy, no failure, score, evidence or last failure
     * in its window, at least `minRuns` runs — each with the variants of its per-variant rows.
     */
    async cleanVerdicts(testIds: string[], minRuns: number): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      for (let i = 0; i < testIds.length; i += CLEAN_READ_IDS) {
        const ids = testIds.slice(i, i + CLEAN_READ_IDS);
        const noEvidence = db.dialect === "pg" ? sql`jsonb_array_length(o.evidence) = 0` : sql`o.evidence = '[]'`;
        const rows = await db.rows<{ testId: string; variant: string | null }>(sql`
          select o.test_id as "testId", w.variant as "variant" from verdicts o
          left join verdicts w on w.test_id = o.test_id and w.variant <> ''
          where ${inIds(db.dialect, sql`o.test_id`, ids)} and o.variant = '' and o.status = 'healthy'
            and o.failures = 0 and o.score = 0 and o.low = 0 and o.last_failure_at is null and o.runs >= ${minRuns}
            and ${noEvidence}`);
        for (const r of rows) {
          const variants = out.get(r.testId) ?? [];
          if (r.variant !== null) variants.push(r.variant);
          out.set(r.testId, variants);
        }
      }
      return out;
    },

    /** The tests of a project whose overall verdict has `status`, read along the status index. */
    async testIdsWithStatus(projectId: string, status: VerdictStatus): Promise<string[]> {
      const rows = await db.orm
        .select({ id: v.testId })
        .from(v)
        .where(and(eq(v.projectId, projectId), eq(v.variant, ""), eq(v.status, status)));
      return rows.map((r) => r.id);
    },

    /** The overall status of each of `testIds` that has a verdict. */
    async overallStatuses(testIds: string[]): Promise<Map<string, VerdictStatus>> {
      const out = new Map<string, VerdictStatus>();
      if (testIds.length === 0) return out;
      const rows = await db.orm
        .select({ id: v.testId, status: v.status })
        .from(v)
        .where(and(inIds(db.dialect, v.testId, testIds), eq(v.variant, "")));
      for (const r of rows) out.set(r.id, r.status as VerdictStatus);
      return out;
    },

    /** The overall verdicts of some tests. */
    async overallVerdicts(testIds: string[]): Promise<Map<string, Verdict>> {
      const out = new Map<string, Verdict>();
      if (testIds.length === 0) return out;
      const rows = await db.orm
        .select()
        .from(v)
        .where(and(inIds(db.dialect, v.testId, testIds), eq(v.variant, "")));
      for (const r of rows) out.set(r.testId, toVerdict(r));
      return out;
    },

    /** The per-variant verdicts (not the overall one) of some tests, by test id: the leaderboard's variant column. */
    async variantVerdicts(
      testIds: string[],
    ): Promise<Map<string, { variant: string; status: VerdictStatus; score: number; failureRate: number }[]>> {
      const out = new Map<string, { variant: string; status: VerdictStatus; score: number; failureRate: number }[]>();
      if (testIds.length === 0) return out;
      const rows = await db.orm
        .select({ testId: v.testId, variant: v.variant, status: v.status, score: v.score, failureRate: v.failureRate })
        .from(v)
        .where(and(inIds(db.dialect, v.testId, testIds), sql`${v.variant} <> ''`))
        .orderBy(v.testId, v.variant);
      for (const r of rows) {
        const list = out.get(r.testId) ?? [];
        list.push({
          variant: r.variant,
          status: r.status as VerdictStatus,
          score: r.score,
          failureRate: r.failureRate,
        });
        out.set(r.testId, list);
      }
      return out;
    },

    /** Every verdict of one test: "" overall, then per variant. */
    async testVerdicts(testId: string): Promise<Record<string, Verdict>> {
      const rows = await db.orm.select().from(v).where(eq(v.testId, testId));
      return Object.fromEntries(rows.map((r) => [r.variant, toVerdict(r)]));
    },

    /** A page of a project's tests with their verdicts (tests never scored count as `new`). */
    async listTests(projectId: string, query: TestQuery): Promise<TestListItem[]> {
      // Every test by score: merge each status's index range (read in order, a page at most each). Exact
      // while the page holds only scores above 0, as a test never scored counts as 0; else the full scan.
      if (!query.status && !query.q && !query.ids && query.sort === "score") {
        const parts = await Promise.all(STATUSES.map((status) => listPage(projectId, { ...query, status }, true)));
        const page = parts
          .flat()
          .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .slice(0, query.limit);
        if (page.length === query.limit && page.every((t) => t.score > 0)) return page;
      }
      return listPage(projectId, query, false);
    },
  };
}

/** Every verdict status, for reading the leaderboard index one status range at a time. */
const STATUSES: VerdictStatus[] = ["flaky", "broken", "healthy", "new"];

function toVerdict(r: {
  status: string;
  score: number;
  low: number;
  high: number;
  failureRate: number;
  runs: number;
  failures: number;
  lastFailureAt: number | null;
  evidence: unknown;
}): Verdict {
  return {
    status: r.status as VerdictStatus,
    score: r.score,
    low: r.low,
    high: r.high,
    failureRate: r.failureRate,
    runs: r.runs,
    failures: r.failures,
    lastFailureAt: r.lastFailureAt,
    evidence: r.evidence as Verdict["evidence"],
  };
}

/** The verdicts aggregate's functions. */
export type VerdictStore = ReturnType<typeof verdictStore>;
