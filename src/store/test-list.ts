// The test list of a project, a page at a time, paginated at the database with keyset cursors: no page reads
// or sorts every test of a project (a 1,000,000-test project took 5–6 s a page when it did, blocking the server).
import { sql, type SQL } from "drizzle-orm";
import type { Verdict, VerdictStatus } from "../model/verdict.ts";
import type { Db } from "./backend/db.ts";

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
  /** Only these tests. */
  ids?: string[];
  /** Only tests quarantined now (read in SQL: a project may quarantine many). */
  quarantined?: boolean;
}

/** Every verdict status, for reading the leaderboard index one status range at a time. */
const STATUSES: VerdictStatus[] = ["flaky", "broken", "healthy", "new"];

/**
 * Which rows a page query reads. `stored`: tests with a stored verdict of `query.status` (its index range);
 * `ranked`: stored verdicts whose sort key is above 0, read in index order; `unranked`: tests whose key is 0
 * (never scored, or scored 0), in id order through tests (project_id, id); `scan`: any, sorted (searches).
 */
type Mode = "stored" | "ranked" | "unranked" | "scan";

/**
 * A page of a project's tests with their verdicts (tests never scored count as `new`), in (key desc, id asc)
 * order. Without a search, a page is read in two index-ordered tiers that meet at key 0: the tests ranked
 * above 0 (the verdicts' indexes by score, failures or latest failure, which hold only the tests that failed),
 * then those at 0 by id. A page costs its own rows (plus, for status `new`, the other tests it steps over),
 * not the project's size. A search (`q`) still scans the project's tests: LIKE '%…%' has no index.
 */
export async function listTests(db: Db, projectId: string, query: TestQuery): Promise<TestListItem[]> {
  if (query.q || query.ids || query.quarantined) return listPage(db, projectId, query, "scan");
  if (query.status && query.status !== "new") return listPage(db, projectId, query, "stored");
  const ranked = query.after === undefined || query.after.value > 0;
  const head = ranked ? await rankedPage(db, projectId, query) : [];
  if (head.length >= query.limit) return head;
  const rest = { ...query, limit: query.limit - head.length, after: ranked ? undefined : query.after };
  return [...head, ...(await listPage(db, projectId, rest, "unranked"))];
}

/** The page's tests ranked above 0. By score, every status's index range is merged (a page at most each). */
async function rankedPage(db: Db, projectId: string, query: TestQuery): Promise<TestListItem[]> {
  if (query.sort !== "score" || query.status) return listPage(db, projectId, query, "ranked");
  const parts = await Promise.all(STATUSES.map((status) => listPage(db, projectId, { ...query, status }, "ranked")));
  return parts
    .flat()
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, query.limit);
}

/** One query of the test list (see Mode). */
export async function listPage(db: Db, projectId: string, query: TestQuery, mode: Mode): Promise<TestListItem[]> {
  // Ranked and stored rows have a verdict: the bare column, so the verdicts' indexes serve the order.
  const bare = mode === "ranked" || (mode === "stored" && query.sort === "score");
  const column: Record<TestSort, SQL> = {
    score: sql`v.score`,
    failures: sql`v.failures`,
    recent: sql`v.last_failure_at`,
  };
  const key = bare ? column[query.sort] : sql`coalesce(${column[query.sort]}, 0)`;
  const joined = mode === "stored" || mode === "ranked";
  const id = joined ? sql`v.test_id` : sql`t.id`;
  // PostgreSQL sorts DESC with NULLs first unless told; the indexes have them last.
  const nulls = bare && db.dialect === "pg" ? sql` nulls last` : sql``;
  const conditions: SQL[] = [sql`t.project_id = ${projectId}`];
  if (joined) conditions.push(sql`v.project_id = ${projectId}`);
  if (query.status && joined) conditions.push(sql`v.status = ${query.status}`);
  else if (query.status) conditions.push(sql`coalesce(v.status, 'new') = ${query.status}`);
  if (mode === "ranked") conditions.push(sql`${key} > 0`);
  if (mode === "unranked") conditions.push(sql`${key} <= 0`);
  if (query.ids) {
    if (query.ids.length === 0) return [];
    conditions.push(
      sql`t.id in (${sql.join(
        query.ids.map((x) => sql`${x}`),
        sql`, `,
      )})`,
    );
  }
  if (query.quarantined)
    conditions.push(
      sql`t.id in (select q.test_id from quarantines q where q.project_id = ${projectId} and q.state = 'active')`,
    );
  if (query.q) {
    const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      sql`(lower(t.name) like ${like} escape '\\' or lower(t.suite) like ${like} escape '\\' or lower(t.file) like ${like} escape '\\')`,
    );
  }
  if (query.after && mode === "unranked") conditions.push(sql`${id} > ${query.after.id}`);
  else if (query.after)
    conditions.push(
      sql`(${key} < ${query.after.value} or (${key} = ${query.after.value} and ${id} > ${query.after.id}))`,
    );
  const order = mode === "unranked" ? sql`${id} asc` : sql`${key} desc${nulls}, ${id} asc`;
  const rows = await db.rows<Record<string, unknown>>(sql`
    select t.id, t.suite, t.name, t.file, t.last_seen_at as "lastSeenAt",
      coalesce(v.status, 'new') as status, coalesce(v.score, 0) as score, coalesce(v.low, 0) as low,
      coalesce(v.high, 1) as high, coalesce(v.failure_rate, 0) as "failureRate", coalesce(v.runs, 0) as runs,
      coalesce(v.failures, 0) as failures, v.last_failure_at as "lastFailureAt"
    from tests t ${joined ? sql`join` : sql`left join`} verdicts v on v.test_id = t.id and v.variant = ${query.variant}
    where ${sql.join(conditions, sql` and `)}
    order by ${order}
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
