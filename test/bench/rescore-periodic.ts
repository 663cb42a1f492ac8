// `npm run bench:rescore -- --periodic 1000000`: the scheduled rescore of a project of N distinct tests
// (issue 22). Seeds N tests with a clean healthy verdict each (written straight into the tables: the tick
// reads verdicts and quarantines, not results), plus `--flaky K` flaky ones with a short history each, then
// runs the tick's rescore job as the worker would and prints its CPU time and wall time. Target: with
// nothing due (K = 0), at most 1 s of CPU. For contrast, --full also times the old hourly job (every test).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { rescoreJob } from "../../src/jobs/rescore.ts";
import { SCHEDULES } from "../../src/jobs/schedules.ts";
import type { Job } from "../../src/model/job.ts";
import { migrate } from "../../src/store/backend/migrate.ts";
import { openDb, type Db } from "../../src/store/backend/db.ts";
import { createStore } from "../../src/store/index.ts";
import { PG_ADMIN_URL, adminQuery } from "../helpers/backends.ts";
import { jobDeps } from "../helpers/job-deps.ts";

const TARGET_CPU_S = 1;

/** Options of the periodic case. */
export interface PeriodicOptions {
  backends: string[];
  tests: number;
  flaky: number;
  full: boolean;
}

// A statement without rows: better-sqlite3 refuses `all` on one, so SQLite runs it.
async function exec(db: Db, q: SQL): Promise<void> {
  if (db.dialect === "pg") await db.rows(q);
  else (db.orm as unknown as { run(q: SQL): unknown }).run(q);
}

// N tests and their clean verdicts, made by the database itself (a recursive CTE on SQLite, generate_series on PostgreSQL).
async function seed(db: Db, projectId: string, n: number, now: number): Promise<void> {
  const series =
    db.dialect === "pg"
      ? sql`select i from generate_series(1, ${n}) as s(i)`
      : sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s`;
  await exec(
    db,
    sql`insert into tests (id, project_id, suite, name, file, first_seen_at, last_seen_at)
    select 't' || i, ${projectId}, 'suite' || (i % 1000), 'test_' || i, 'f.js', ${now}, ${now} from (${series}) as g`,
  );
  await exec(
    db,
    sql`insert into verdicts (test_id, variant, project_id, status, score, low, high, failure_rate, runs,
      failures, last_failure_at, evidence, updated_at)
    select 't' || i, '', ${projectId}, 'healthy', 0, 0, 0.01, 0, 400, 0, null, '[]', ${now} from (${series}) as g`,
  );
}

async function once(backend: string, o: PeriodicOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fg-bench-periodic-"));
  const pgName = `fg_bench_periodic_${process.pid}`;
  if (backend === "postgres") {
    await adminQuery(`drop database if exists ${pgName} with (force)`);
    await adminQuery(`create database ${pgName}`);
  }
  const db = await openDb(
    backend === "postgres"
      ? { backend: "postgres", url: Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${pgName}` }).toString() }
      : { backend: "sqlite", path: join(dir, "bench.db") },
  );
  try {
    const now = Date.now();
    await migrate(db, now);
    const store = createStore(db);
    const project = await store.projects.createProject({ slug: "huge", name: "huge", defaultBranch: "main" }, now);
    const t0 = performance.now();
    await seed(db, project.id, o.tests, now);
    await exec(
      db,
      sql`update verdicts set status = 'flaky', score = 0.5 where test_id in (${sql.join(
        Array.from({ length: o.flaky }, (_, i) => sql`${`t${i * 997 + 1}`}`),
        sql`, `,
      )}${o.flaky === 0 ? sql`null` : sql``})`,
    );
    const seedS = (performance.now() - t0) / 1000;
    const deps = jobDeps(store, () => now);
    const tick = SCHEDULES.find((s) => s.name === "rescore")!;
    const run = async (payload: Job<"rescore">["payload"]) => {
      const cpu = process.cpuUsage();
      const w = performance.now();
      await rescoreJob.run({ id: 1, kind: "rescore", payload, attempts: 1, maxAttempts: 3 }, deps);
      const used = process.cpuUsage(cpu);
      return { cpuS: (used.user + used.system) / 1e6, wallS: (performance.now() - w) / 1000 };
    };
    const [job] = await tick.jobs(store, now);
    const periodic = await run(job.payload as Job<"rescore">["payload"]);
    const ok = o.flaky > 0 || periodic.cpuS <= TARGET_CPU_S ? "met" : "MISSED";
    console.log(
      `| ${backend} | ${o.tests.toLocaleString("en")} | ${o.flaky} | ${periodic.cpuS.toFixed(2)} s | ${periodic.wallS.toFixed(2)} s | ${o.flaky === 0 ? `${ok} (≤ ${TARGET_CPU_S} s CPU)` : "—"} | seeded in ${seedS.toFixed(0)} s |`,
    );
    if (o.full) {
      const full = await run({ projectId: project.id, tickAt: now });
      console.log(
        `| ${backend}, every test (the old hourly job) | ${o.tests.toLocaleString("en")} | ${o.flaky} | ${full.cpuS.toFixed(2)} s | ${full.wallS.toFixed(2)} s | — | |`,
      );
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    if (backend === "postgres") await adminQuery(`drop database if exists ${pgName} with (force)`);
  }
}

/** Runs the periodic case on each backend and prints one table. */
export async function runPeriodic(o: PeriodicOptions): Promise<void> {
  console.log(
    `periodic rescore: ${new Date().toISOString()}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("| backend | tests | flaky | CPU | wall | target | |");
  console.log("|---|---|---|---|---|---|---|");
  for (const backend of o.backends) await once(backend, o);
}
