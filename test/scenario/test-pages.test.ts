// The test list of a big project is paginated at the database: every page, in every order, is exactly the
// slice of the full ordering that the cursor points at, and no query of a page returns more rows than the page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor } from "../../src/http/cursor.ts";
import type { Db } from "../../src/store/backend/db.ts";
import type { TestVerdicts, Verdict } from "../../src/model/verdict.ts";
import { failureStore, TESTS_PER_GROUP } from "../../src/store/failures.ts";
import { listTests } from "../../src/store/test-list.ts";
import { upsertTests } from "../../src/store/tests.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";

const TESTS = 5_000;

/** Test i: 10 % flaky, 10 % broken, 60 % healthy (a tenth of them with a failure), 20 % never scored. */
function verdictOf(i: number): Verdict | undefined {
  const kind = i % 10;
  if (kind >= 8) return undefined;
  const failed = kind < 2 || kind === 7;
  return {
    status: kind === 0 ? "flaky" : kind === 1 ? "broken" : "healthy",
    score: kind === 0 ? 0.1 + (i % 7) / 10 : kind === 1 ? 0.9 : 0,
    low: 0,
    high: 1,
    failureRate: 0,
    runs: 10,
    failures: failed ? 1 + (i % 5) : 0,
    lastFailureAt: failed ? 1_000 + (i % 97) : null,
    evidence: [],
  };
}
const idOf = (i: number) => `t${String(i).padStart(5, "0")}`;

describe.each(BACKENDS)("paginated test list on %s", (backend) => {
  let t: TestApp;
  let projectId = "";

  beforeAll(async () => {
    t = await startTestApp(backend);
    projectId = (await t.json("POST", "/api/v1/projects", { slug: "big" })).body.id;
    const rows = Array.from({ length: TESTS }, (_, i) => ({
      id: idOf(i),
      projectId,
      suite: "s",
      name: `test ${i}`,
      file: "f.ts",
    }));
    const db = t.app.store.db;
    await db.tx((orm) => upsertTests(orm, db.schema, rows, 0));
    const verdicts = new Map<string, TestVerdicts>();
    for (let i = 0; i < TESTS; i++) {
      const v = verdictOf(i);
      if (v) verdicts.set(idOf(i), { overall: v, variants: {} });
    }
    await t.app.store.verdicts.saveVerdicts(projectId, verdicts, 0);
  }, 120_000);
  afterAll(() => t?.close());

  /** The full ordering of a listing, computed here from what was stored. */
  const ordered = (sort: "score" | "failures" | "recent", status?: string) => {
    const all = Array.from({ length: TESTS }, (_, i) => {
      const v = verdictOf(i);
      const key =
        sort === "score" ? (v?.score ?? 0) : sort === "failures" ? (v?.failures ?? 0) : (v?.lastFailureAt ?? 0);
      return { id: idOf(i), key, status: v?.status ?? "new" };
    });
    return all.filter((x) => !status || x.status === status).sort((a, b) => b.key - a.key || (a.id < b.id ? -1 : 1));
  };
  const expected = (sort: "score" | "failures" | "recent", status?: string) => ordered(sort, status).map((x) => x.id);
  /** Every page of a listing through the API, following nextCursor. */
  const walk = async (query: string, limit: number) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/v1/projects/big/tests?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const { status, body }: { status: number; body: { tests: { id: string }[]; nextCursor: string | null } } =
        await t.json("GET", path);
      expect(status).toBe(200);
      expect(body.tests.length).toBeLessThanOrEqual(limit);
      ids.push(...(body.tests as { id: string }[]).map((x) => x.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    return { ids, pages };
  };

  it("returns the right first page and a cursor to the next", async () => {
    const { body } = await t.json("GET", "/api/v1/projects/big/tests?limit=100");
    const want = expected("score");
    expect(body.tests.map((x: { id: string }) => x.id)).toEqual(want.slice(0, 100));
    const last = body.tests[99];
    expect(decodeCursor(body.nextCursor, "score")).toEqual({ value: last.score, id: last.id });
    // A page in the middle, where scored tests end and those at score 0 begin (1,000 tests score above 0).
    const mid = await t.json(
      "GET",
      `/api/v1/projects/big/tests?limit=100&cursor=${encodeURIComponent(body.nextCursor)}`,
    );
    expect(mid.body.tests.map((x: { id: string }) => x.id)).toEqual(want.slice(100, 200));
  });

  it.each([
    ["sort=score", "score", undefined],
    ["sort=failures", "failures", undefined],
    ["sort=recent", "recent", undefined],
    ["status=new", "score", "new"],
    ["status=healthy&sort=failures", "failures", "healthy"],
  ] as const)("walks every page of %s to the full ordering, once each", async (query, sort, status) => {
    const { ids, pages } = await walk(query, 450);
    expect(ids).toEqual(expected(sort, status));
    expect(pages).toBe(Math.ceil(ids.length / 450) || 1);
  });

  it("reads a page with LIMIT: no query returns more rows than the page asks for", async () => {
    const seen: number[] = [];
    const counted = countingRows(t.app.store.db, seen);
    for (const sort of ["score", "failures", "recent"] as const) {
      const page = await listTests(counted, projectId, { sort, variant: "", limit: 20 });
      expect(page).toHaveLength(20);
      // Past the tests ranked above 0: those at 0, by id from the cursor's on.
      const tail = await listTests(counted, projectId, {
        sort,
        variant: "",
        limit: 20,
        after: { value: 0, id: "t00100" },
      });
      const want = ordered(sort).filter((x) => x.key === 0 && x.id > "t00100");
      expect(tail.map((x) => x.id)).toEqual(want.slice(0, 20).map((x) => x.id));
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(20);
  });

  it("reads a failure group shared by many tests with its count and a sample cut in SQL", async () => {
    const shared = 3 * TESTS_PER_GROUP;
    const results = Array.from({ length: shared }, (_, i) => ({
      testId: idOf(TESTS - 1 - i),
      attempt: 1,
      status: "failed" as const,
      final: true,
      durationMs: null,
      message: "timeout",
      stack: null,
      fingerprint: "fp-timeout",
      output: null,
    }));
    await t.app.store.reports.saveProcessed(
      [
        {
          report: {
            commit: "c",
            branch: "main",
            pr: null,
            run: "r",
            job: null,
            attempt: 1,
            variant: "",
            filename: null,
            projectId,
            dedupeKey: "groups",
            contentHash: "h",
            format: "junit",
            rawSize: 0,
            raw: new Uint8Array(),
          },
          rows: { format: "junit", tests: [], counts: {}, results },
        },
      ],
      1,
    );
    await t.app.store.failures.recordFailures(
      projectId,
      [{ fingerprint: "fp-timeout", message: "timeout", stack: null, count: shared }],
      1,
    );
    const seen: number[] = [];
    const counted = countingRows(t.app.store.db, seen);
    const [group] = await failureStore(counted).listFailureGroups(projectId, 10);
    expect(group.tests).toBe(shared);
    const sample = results.map((r) => r.testId).sort();
    expect(group.testIds).toEqual(sample.slice(0, TESTS_PER_GROUP));
    expect(Math.max(...seen)).toBe(TESTS_PER_GROUP);
  });
});

/** `db` whose reads note how many rows each returned, in `seen`. */
function countingRows(db: Db, seen: number[]): Db {
  return {
    ...db,
    rows: async <T>(q: Parameters<Db["rows"]>[0]) => {
      const rows = await db.rows<T>(q);
      seen.push(rows.length);
      return rows;
    },
  };
}
