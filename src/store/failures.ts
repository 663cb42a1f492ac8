import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { inIds, pgArray, rawSqlite, sqliteRunEach } from "./backend/bulk.ts";
import type { Db, Orm } from "./backend/db.ts";

/** One occurrence batch of a failure fingerprint from a report. */
export interface FailureSighting {
  fingerprint: string;
  message: string | null;
  stack: string | null;
  count: number;
}

/** A failure group: one normalised failure, how often and when it was seen, and how many tests share it. */
export interface FailureGroup {
  fingerprint: string;
  message: string | null;
  stack: string | null;
  occurrences: number;
  firstSeenAt: number;
  lastSeenAt: number;
  tests: number;
  /** Some of the tests that failed this way (up to TESTS_PER_GROUP). */
  testIds: string[];
}

/** Test ids listed per failure group; `tests` has the full count. */
export const TESTS_PER_GROUP = 20;

const COUNT_AGAIN_SQLITE =
  "update failure_groups set occurrences = occurrences + ?, last_seen_at = ? where project_id = ? and fingerprint = ?";

/** Adds each sighting's count to its group's occurrences and moves its last sighting to `now`, in one statement. */
function countAgain(dialect: Db["dialect"], projectId: string, sightings: FailureSighting[], now: number): SQL {
  if (dialect === "sqlite") {
    const pairs = JSON.stringify(sightings.map((s) => [s.fingerprint, s.count]));
    // node:sqlite under Deno. Not UPDATE … FROM json_each: SQLite's plan for it scanned every group of the project once per sighting.
    return sql`update failure_groups set last_seen_at = ${now},
      occurrences = occurrences + (select value ->> 1 from json_each(${pairs}) where value ->> 0 = failure_groups.fingerprint)
      where project_id = ${projectId} and fingerprint in (select value ->> 0 from json_each(${pairs}))`;
  }
  return sql`update failure_groups as g set occurrences = g.occurrences + s.n, last_seen_at = ${now}
    from unnest(${pgArray(
      sightings.map((s) => s.fingerprint),
      "text",
    )}, ${pgArray(
      sightings.map((s) => s.count),
      "int",
    )}) as s(f, n)
    where g.project_id = ${projectId} and g.fingerprint = s.f`;
}

/** Runs a statement that returns nothing, in the caller's transaction. */
function run(orm: Orm, q: SQL): Promise<unknown> {
  const o = orm as unknown as { run?: (q: SQL) => unknown; execute?: (q: SQL) => Promise<unknown> };
  return o.run ? Promise.resolve(o.run(q)) : o.execute!(q);
}

/** Failure groups: failures grouped by fingerprint across runs. */
export function failureStore(db: Db) {
  const t = db.schema.failureGroups;
  return {
    /** Adds a report's failures to their groups (first sighting keeps its message and stack as the sample). */
    async recordFailures(projectId: string, sightings: FailureSighting[], now: number): Promise<void> {
      if (sightings.length === 0) return;
      await db.tx(async (orm) => {
        // Most sightings are of groups already known: those are only counted, without sending their sample
        // message and stack again (a report's ~100 stacks of 2 KB each, built into an upsert, were its
        // costliest statement after the results on PGlite).
        const fingerprints = sightings.map((s) => s.fingerprint);
        const known = new Set(
          (
            await orm
              .select({ fingerprint: t.fingerprint })
              .from(t)
              .where(and(eq(t.projectId, projectId), inIds(db.dialect, t.fingerprint, fingerprints)))
          ).map((r) => r.fingerprint),
        );
        const seenAgain = sightings.filter((s) => known.has(s.fingerprint));
        const raw = rawSqlite(orm);
        // On better-sqlite3 one prepared update per group is cheapest: json_each in one statement was parsed again per group.
        if (raw)
          sqliteRunEach(
            raw,
            COUNT_AGAIN_SQLITE,
            seenAgain.map((s) => [s.count, now, projectId, s.fingerprint]),
          );
        // Elsewhere one statement per 200: Deno's node:sqlite reads its json_each list once per group counted.
        else
          for (let i = 0; i < seenAgain.length; i += 200)
            await run(orm, countAgain(db.dialect, projectId, seenAgain.slice(i, i + 200), now));
        // New groups, with their samples; a concurrent upload may have created one meanwhile, so still an upsert.
        const fresh = sightings.filter((s) => !known.has(s.fingerprint));
        for (let i = 0; i < fresh.length; i += 200) {
          await orm
            .insert(t)
            .values(
              fresh.slice(i, i + 200).map((s) => ({
                projectId,
                fingerprint: s.fingerprint,
                message: s.message?.slice(0, 4000) ?? null,
                stack: s.stack?.slice(0, 8000) ?? null,
                occurrences: s.count,
                firstSeenAt: now,
                lastSeenAt: now,
              })),
            )
            .onConflictDoUpdate({
              target: [t.projectId, t.fingerprint],
              set: {
                occurrences: sql`${t.occurrences} + excluded.occurrences`,
                lastSeenAt: sql`excluded.last_seen_at`,
              },
            });
        }
      });
    },

    /** A project's failure groups, most recent first, with how many tests share each. */
    async listFailureGroups(projectId: string, limit = 100): Promise<FailureGroup[]> {
      const groups = await db.orm
        .select()
        .from(t)
        .where(eq(t.projectId, projectId))
        .orderBy(desc(t.lastSeenAt))
        .limit(limit);
      if (groups.length === 0) return [];
      const fps = sql.join(
        groups.map((g) => sql`${g.fingerprint}`),
        sql`, `,
      );
      // Each group's first TESTS_PER_GROUP tests and its count of tests, cut in SQL: a failure shared by
      // thousands of tests (a timeout, a crashed runner) used to bring every one of them into memory.
      const pairs = await db.rows<{ fingerprint: string; testId: string; n: number | string }>(sql`
        select fingerprint, "testId", n from (
          select fingerprint, test_id as "testId",
            row_number() over (partition by fingerprint order by test_id) as rn,
            count(*) over (partition by fingerprint) as n
          from (select distinct fingerprint, test_id from results
            where fingerprint in (${fps}) and project_id = ${projectId}) d
        ) x
        where rn <= ${TESTS_PER_GROUP} order by fingerprint, "testId"`);
      const byFp = new Map<string, { ids: string[]; n: number }>();
      for (const p of pairs) {
        const entry = byFp.get(p.fingerprint) ?? { ids: [], n: Number(p.n) };
        entry.ids.push(p.testId);
        byFp.set(p.fingerprint, entry);
      }
      return groups.map((g) => {
        const found = byFp.get(g.fingerprint);
        return {
          fingerprint: g.fingerprint,
          message: g.message,
          stack: g.stack,
          occurrences: g.occurrences,
          firstSeenAt: g.firstSeenAt,
          lastSeenAt: g.lastSeenAt,
          tests: found?.n ?? 0,
          testIds: found?.ids ?? [],
        };
      });
    },

    /** Some failure groups of a project by fingerprint (a test page's groups, with their sample message and stack). */
    async groupsByFingerprint(
      projectId: string,
      fingerprints: string[],
    ): Promise<Map<string, Omit<FailureGroup, "tests" | "testIds">>> {
      if (fingerprints.length === 0) return new Map();
      const rows = await db.orm
        .select()
        .from(t)
        .where(and(eq(t.projectId, projectId), inArray(t.fingerprint, fingerprints)));
      return new Map(
        rows.map((g) => [
          g.fingerprint,
          {
            fingerprint: g.fingerprint,
            message: g.message,
            stack: g.stack,
            occurrences: g.occurrences,
            firstSeenAt: g.firstSeenAt,
            lastSeenAt: g.lastSeenAt,
          },
        ]),
      );
    },

    /** Tests that failed with a fingerprint. */
    async testsWithFingerprint(projectId: string, fingerprint: string): Promise<string[]> {
      const rows = await db.rows<{ testId: string }>(sql`
        select distinct test_id as "testId" from results where fingerprint = ${fingerprint} and project_id = ${projectId}`);
      return rows.map((r) => r.testId);
    },
  };
}

/** The failure-groups aggregate's functions. */
export type FailureStore = ReturnType<typeof failureStore>;
