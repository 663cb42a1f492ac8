import { and, eq, sql } from "drizzle-orm";
import { inIds } from "./backend/bulk.ts";
import { yielder } from "../lib/yield.ts";
import type { TestVerdicts, Verdict, VerdictStatus } from "../model/verdict.ts";
import type { Db, Orm } from "./backend/db.ts";
import { listTests, type TestListItem, type TestQuery } from "./test-list.ts";
import { upsertVerdictRows } from "./verdict-rows.ts";

export type { TestListItem, TestQuery, TestSort } from "./test-list.ts";

/** Test ids per read of `cleanVerdicts`: a 200,000-test report is read in pieces, not one parameter list. */
const CLEAN_READ_IDS = 5_000;

/** Verdicts per test and variant ("" is overall). */
export function verdictStore(db: Db) {
  const v = db.schema.verdicts;
  return {
    /** Replaces the verdicts of the given tests, overall and per variant; `then` writes in the same transaction (the outbox). */
    async saveVerdicts(
      projectId: string,
      verdicts: Map<string, TestVerdicts>,
      now: number,
      then?: (orm: Orm) => Promise<unknown>,
    ): Promise<void> {
      if (verdicts.size === 0) return;
      await db.tx(async (orm) => {
        await upsertVerdictRows(orm, db.schema, projectId, verdicts, now);
        await then?.(orm);
      });
    },

    /**
     * Of `testIds`, those whose overall verdict is clean — healthy, no failure, score, evidence or last failure
     * in its window, at least `minRuns` runs — each with the variants of its per-variant rows.
     */
    async cleanVerdicts(testIds: string[], minRuns: number): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      const maybeYield = yielder(); // each read is synchronous on SQLite: turns for the event loop between them
      for (let i = 0; i < testIds.length; i += CLEAN_READ_IDS) {
        await maybeYield();
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

    /** A page of a project's tests with their verdicts (tests never scored count as `new`); see test-list.ts. */
    listTests: (projectId: string, query: TestQuery): Promise<TestListItem[]> => listTests(db, projectId, query),
  };
}

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
