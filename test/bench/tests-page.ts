// `node test/bench/tests-page.ts [--tests 1000000] [--backend sqlite|postgres]`: how long the reads of a huge
// project take (the tests list in each order and filter, its next page, the project's counts, the overview),
// on a project of N distinct tests (1 % flaky, 1 % broken, 88 % healthy, 10 % never scored; 50 quarantined)
// written straight into a freshly migrated database. Prints the median of 5 reads of each, in ms.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import pg from "pg";
import { ensureAdminToken } from "../../src/accounts/tokens.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { encodeCursor } from "../../src/http/cursor.ts";
import { createLogger } from "../../src/lib/log.ts";
import { openDb } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const N = Number(flag("tests") ?? 1_000_000);
const BACKEND = flag("backend") ?? "sqlite";
const PG_ADMIN_URL = process.env.FLAKEGUARD_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dir = mkdtempSync(join(tmpdir(), "fg-tests-page-"));
const pgName = `fg_tests_page_${process.pid}`;
const admin = async (statement: string) => {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  await client.query(statement);
  await client.end();
};
let db;
if (BACKEND === "postgres") {
  await admin(`create database ${pgName}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${pgName}`;
  db = await openDb({ backend: "postgres", url: url.toString() }, { poolSize: 5 });
} else db = await openDb({ backend: "sqlite", path: join(dir, "bench.db") });
await migrate(db, Date.now());
const config = loadConfig({ env: {}, cwd: dir }).config;
const app = createApp({ config, db, log: createLogger("silent"), worker: false });
const token = (await ensureAdminToken(app.store, undefined, Date.now())).generated!;
const call = async (path: string) => {
  const res = await app.http.request(path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};
const created = await app.http.request("/api/v1/projects", {
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify({ slug: "huge" }),
});
const projectId = ((await created.json()) as { id: string }).id;

// Writes without rows to answer (better-sqlite3 refuses `all` on them).
const exec = (q: SQL) =>
  db.dialect === "pg"
    ? db.rows(q).then(() => undefined)
    : db.tx(async (orm) => void (await (orm as unknown as { run(q: SQL): unknown }).run(q)));
let t0 = performance.now();
const numbers =
  db.dialect === "pg"
    ? sql`select i from generate_series(0, ${N - 1}) as g(i)`
    : sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${N - 1}) select i from n`;
const testId = db.dialect === "pg" ? sql`'t' || lpad(i::text, 8, '0')` : sql`printf('t%08d', i)`;
await exec(sql`insert into tests (id, project_id, suite, name, file, first_seen_at, last_seen_at)
  select ${testId}, ${projectId}, 'suite ' || (i % 100), 'test ' || i, 'f' || (i % 1000) || '.ts', 0, 0
  from (${numbers}) as n`);
// i % 100: 0 flaky, 1 broken, 2..89 healthy, 90..99 never scored.
await exec(sql`insert into verdicts (test_id, variant, project_id, status, score, low, high, failure_rate, runs,
    failures, last_failure_at, evidence, updated_at)
  select id, '', project_id,
    case cast(substr(id, 2) as integer) % 100 when 0 then 'flaky' when 1 then 'broken' else 'healthy' end,
    case cast(substr(id, 2) as integer) % 100 when 0 then 0.5 + (cast(substr(id, 2) as integer) % 7) / 20.0 when 1 then 0.95 else 0 end,
    0, 1, 0, 100,
    case when cast(substr(id, 2) as integer) % 100 < 2 then 1 + cast(substr(id, 2) as integer) % 13 else 0 end,
    case when cast(substr(id, 2) as integer) % 100 < 2 then 1000 + cast(substr(id, 2) as integer) else null end,
    '[]', 0
  from tests where project_id = ${projectId} and cast(substr(id, 2) as integer) % 100 < 90`);
await exec(sql`insert into quarantines (id, project_id, test_id, state, mode, reason, decided_by, since)
  select 'q' || id, project_id, id, 'active', 'mute', 'bench', 'bench', 0
  from tests where project_id = ${projectId} and cast(substr(id, 2) as integer) % 100 = 0 limit 50`).catch((e: Error) =>
  console.log(`(no quarantines: ${e.message.split("\n")[0]})`),
);
await exec(sql`analyze`);
console.log(`${N.toLocaleString("en-US")} tests written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const base = "/api/v1/projects/huge";
const cases: [string, string][] = [
  ["tests, by score (first page)", `${base}/tests?limit=100`],
  ["tests, by score (page 2)", "next"],
  [
    "tests, by score (past the scored)",
    `${base}/tests?limit=100&cursor=${encodeURIComponent(encodeCursor("score", 0, "t"))}`,
  ],
  ["tests, by failures", `${base}/tests?sort=failures&limit=100`],
  ["tests, by recent failure", `${base}/tests?sort=recent&limit=100`],
  ["tests, healthy", `${base}/tests?status=healthy&limit=100`],
  ["tests, new", `${base}/tests?status=new&limit=100`],
  ["tests, quarantined", `${base}/tests?status=quarantined&limit=100`],
  ["tests, search", `${base}/tests?q=test%2099999&limit=100`],
  ["project (counts)", base],
  ["overview", "/api/v1/overview"],
];
let next = "";
for (const [name, path] of cases) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    const body = await call(path === "next" ? next : path);
    times.push(performance.now() - t0);
    if (Array.isArray(body.tests)) rows = body.tests.length;
    if (path !== "next" && typeof body.nextCursor === "string")
      next = `${path}&cursor=${encodeURIComponent(body.nextCursor)}`;
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(32)} ${times[2].toFixed(1).padStart(8)} ms  (${rows} rows)`);
}
await app.stop();
if (BACKEND === "postgres" && !process.env.FLAKEGUARD_BENCH_KEEP)
  await admin(`drop database if exists ${pgName} with (force)`);
else if (BACKEND === "postgres") console.log(`kept database ${pgName}`);
rmSync(dir, { recursive: true, force: true });
