// PGlite has no autovacuum, so FlakeGuard vacuums its grown tables on a schedule; the other backends need none.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEDULES } from "../../src/jobs/schedules.ts";
import { vacuumJob } from "../../src/jobs/vacuum.ts";
import { jobDeps } from "../helpers/job-deps.ts";
import { createStore, type Store } from "../../src/store/index.ts";
import { BACKENDS, freshDb, type TestDb } from "../helpers/backends.ts";

describe.each(BACKENDS)("table upkeep on %s", (backend) => {
  let tdb: TestDb;
  let store: Store;
  beforeAll(async () => {
    tdb = await freshDb(backend);
    store = createStore(tdb.db);
  });
  afterAll(() => tdb?.cleanup());

  it("vacuums a table once it grew by a fifth (PGlite only), and then not again until it grows", async () => {
    const schedule = SCHEDULES.find((s) => s.name === "vacuum")!;
    expect(await store.maintenance.tablesToVacuum()).toEqual([]); // a fresh database: nothing grew
    const p = await store.projects.createProject({ slug: "v", name: "V", defaultBranch: "main" }, 1);
    for (let i = 0; i < 300; i++)
      await store.events.recordEvent(
        { projectId: p.id, kind: "grow", actor: "test", data: { pad: "x".repeat(1000), i } },
        i,
      );
    const jobs = await schedule.jobs(store, 60_000);
    if (backend !== "pglite") {
      expect(jobs).toEqual([]); // autovacuum (PostgreSQL) or nothing to do (SQLite)
      return;
    }
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    if (job.kind !== "vacuum") throw new Error(`the vacuum schedule queued a ${job.kind} job`);
    expect(job.payload.tables).toContain("events");
    const pages = async () =>
      (await tdb.db.rows<{ relpages: number }>(sql`select relpages from pg_class where relname = 'events'`))[0]
        .relpages;
    expect(await pages()).toBe(0); // never analyzed: the planner would guess
    await vacuumJob.run({ id: 1, ...job, attempts: 1, maxAttempts: 5 }, jobDeps(store, Date.now));
    expect(await pages()).toBeGreaterThan(8);
    expect(await store.maintenance.tablesToVacuum()).not.toContain("events");
    expect(await schedule.jobs(store, 120_000)).toEqual([]);
  });

  it("vacuums only a plain table name", async () => {
    await expect(store.maintenance.vacuumTable('events"; drop table events; --')).rejects.toThrow(/not a table name/);
  });
});
