// Backup and restore on every backend: a backup taken through the running server, the database wiped,
// restored into a fresh one, and the API answers the same; restore refuses a non-empty target and a
// truncated or altered file. Retention: raw results older than the policy go, verdicts stay; keep-N.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { createBackup, listBackups, pruneBackups, restoreBackup } from "../../src/backup/index.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/settings.ts";
import { PRUNE_RESULTS_JOB } from "../../src/jobs/prune-results.ts";
import { fireTick, SCHEDULES } from "../../src/jobs/schedules.ts";
import { ensureAdminToken } from "../../src/accounts/tokens.ts";
import { createLogger } from "../../src/lib/log.ts";
import { openDb, type Db } from "../../src/store/backend/db.ts";
import { embeddedMigrations, migrate } from "../../src/store/backend/migrate.ts";
import { migrationStatements } from "../../src/store/backend/migration.ts";
import { tableNames } from "../../src/store/backend/backup.ts";
import { createStore } from "../../src/store/index.ts";
import type { DatabaseTarget } from "../../src/store/backend/url.ts";
import { adminQuery, BACKENDS, PG_ADMIN_URL, type Backend } from "../helpers/backends.ts";
import { startTestApp } from "../helpers/app.ts";

const junit = (failing: boolean) => `<?xml version="1.0"?>
<testsuite name="math" tests="3">
  <testcase classname="math.Add" name="adds" time="0.01"/>
  ${failing ? `<testcase classname="math.Add" name="flaps" time="0.02"><failure message="expected 1 got 2">at add.js:10</failure></testcase>` : ""}
  <testcase classname="math.Add" name="flaps" time="0.02"/>
  <testcase classname="math.Sub" name="skips"><skipped/></testcase>
</testsuite>`;

const work = mkdtempSync(join(tmpdir(), "fg-backup-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A database target of `backend` that does not hold anything yet (PostgreSQL: an empty database). */
async function emptyTarget(backend: Backend, name: string): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  const dir = join(work, name);
  if (backend === "sqlite")
    return {
      target: { backend, path: join(dir, "flakeguard.db") },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  if (backend === "pglite")
    return {
      target: { backend, path: join(dir, "pg") },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  const db = `fg_bk_${process.pid}_${name.replace(/\W/g, "_")}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`create database ${db}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${db}`;
  return {
    target: { backend, url: url.toString() },
    drop: () => adminQuery(`drop database if exists ${db} with (force)`),
  };
}

async function openTarget(target: DatabaseTarget): Promise<Db> {
  if (target.backend === "postgres") return openDb(target, { poolSize: 3 });
  mkdirSync(target.backend === "pglite" ? target.path : dirname(target.path), { recursive: true });
  return openDb(target);
}

const urlOf = (t: DatabaseTarget) => (t.backend === "postgres" ? t.url : `${t.backend}:${t.path}`);

function appOn(db: Db, target: DatabaseTarget, overrides: Partial<Config> = {}): App {
  const config = {
    ...loadConfig({ env: {}, cwd: work }).config,
    databaseUrl: urlOf(target),
    backupDir: join(work, "backups-" + target.backend),
    ...overrides,
  };
  return createApp({ config, db, log: createLogger("silent"), worker: false });
}

async function call(app: App, token: string, method: string, path: string, body?: string) {
  const res = await app.http.request(path, {
    method,
    body,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/xml" } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** What the API says about the project: the answers that must survive a backup and restore. */
async function answers(app: App, token: string, reportIds: string[]) {
  const tests = await call(app, token, "GET", "/api/v1/projects/web/tests");
  const one = await call(app, token, "GET", `/api/v1/projects/web/tests/${tests.body.tests[0].id}`);
  const reports = await Promise.all(
    reportIds.map((id) => call(app, token, "GET", `/api/v1/projects/web/reports/${id}`)),
  );
  return {
    projects: (await call(app, token, "GET", "/api/v1/projects")).body,
    project: (await call(app, token, "GET", "/api/v1/projects/web")).body,
    tests: tests.body,
    test: one.body,
    reports: reports.map((r) => r.body),
    failures: (await call(app, token, "GET", "/api/v1/projects/web/failures")).body,
    quarantine: (await call(app, token, "GET", "/api/v1/projects/web/quarantine")).status,
  };
}

describe.each(BACKENDS)("backup and restore on %s", (backend) => {
  let file: string;
  let admin: string;
  let before: Awaited<ReturnType<typeof answers>>;
  let reportIds: string[];
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d().catch(() => undefined);
  });

  beforeAll(async () => {
    const source = await emptyTarget(backend, "source");
    drops.push(source.drop);
    const db = await openTarget(source.target);
    await migrate(db, Date.now());
    const app = appOn(db, source.target, { backupKeep: 2 });
    admin = (await ensureAdminToken(app.store, undefined, Date.now())).generated!;
    const created = await app.http.request("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ slug: "web", name: "Web" }),
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    });
    expect(created.status).toBe(201);
    reportIds = [];
    for (let i = 0; i < 6; i++) {
      const up = await call(
        app,
        admin,
        "POST",
        `/api/v1/projects/web/reports?commit=c${i}&branch=main&run=${i}`,
        junit(i % 2 === 0),
      );
      expect(up.status).toBe(201);
      reportIds.push(up.body.reports[0].id);
    }
    before = await answers(app, admin, reportIds);
    expect(before.tests.tests.length).toBe(3);
    // Three backups through the running server; backupKeep=2 leaves the newest two.
    for (let i = 0; i < 3; i++) {
      const res = await call(app, admin, "POST", "/api/v1/backups");
      expect(res.status).toBe(201);
      expect(res.body.name).toMatch(new RegExp(`^flakeguard-${backend}-\\d{8}T\\d{9}Z\\.fgbackup$`));
      await new Promise((r) => setTimeout(r, 5)); // distinct millisecond names
    }
    const listed = await call(app, admin, "GET", "/api/v1/backups");
    expect(listed.status).toBe(200);
    expect(listed.body.backups).toHaveLength(2);
    file = join(listed.body.dir, listed.body.backups[0].name);
    // Wipe: the source database is gone.
    await app.stop();
    await db.close();
    await source.drop();
  });

  it("restores into a fresh database and the API answers the same (the admin token too)", async () => {
    const fresh = await emptyTarget(backend, "fresh");
    drops.push(fresh.drop);
    const manifest = await restoreBackup({ file, target: fresh.target });
    expect(manifest.backend).toBe(backend);
    expect(manifest.counts.results).toBeGreaterThan(0);
    const db = await openTarget(fresh.target);
    const app = appOn(db, fresh.target);
    try {
      expect(await answers(app, admin, reportIds)).toEqual(before);
      // The restored database takes new writes.
      const up = await call(
        app,
        admin,
        "POST",
        "/api/v1/projects/web/reports?commit=after&branch=main&run=99",
        junit(false),
      );
      expect(up.status).toBe(201);
    } finally {
      await app.stop();
      await db.close();
    }
    // Not empty any more: a second restore into it is refused and changes nothing.
    await expect(restoreBackup({ file, target: fresh.target })).rejects.toThrow(/refusing to restore/);
  });

  it("refuses a truncated or altered backup and leaves the target empty", async () => {
    const truncated = join(work, `truncated-${backend}.fgbackup`);
    writeFileSync(truncated, readFileSync(file));
    truncateSync(truncated, statSync(truncated).size - 100);
    const t1 = await emptyTarget(backend, "trunc");
    drops.push(t1.drop);
    await expect(restoreBackup({ file: truncated, target: t1.target })).rejects.toThrow(
      /incomplete: \d+ of \d+ payload bytes/,
    );

    const altered = join(work, `altered-${backend}.fgbackup`);
    const bytes = readFileSync(file);
    bytes[bytes.length - 50] ^= 0xff;
    writeFileSync(altered, bytes);
    await expect(restoreBackup({ file: altered, target: t1.target })).rejects.toThrow(/corrupt: payload SHA-256/);

    const notBackup = join(work, "not-a-backup");
    writeFileSync(notBackup, "hello\n");
    await expect(restoreBackup({ file: notBackup, target: t1.target })).rejects.toThrow(/is not a FlakeGuard backup/);

    // Nothing was left behind: a real restore into the same target still works.
    await expect(restoreBackup({ file, target: t1.target })).resolves.toMatchObject({ backend });
  });

  it("refuses a backup of another backend, naming the DATABASE_URL to use", async () => {
    const other: DatabaseTarget =
      backend === "sqlite"
        ? { backend: "pglite", path: join(work, "x-pg") }
        : { backend: "sqlite", path: join(work, "x.db") };
    await expect(restoreBackup({ file, target: other })).rejects.toThrow(
      new RegExp(`is a ${backend} backup .* set DATABASE_URL=`),
    );
  });
});

describe.each(BACKENDS)("online backup on %s", (backend) => {
  it("is consistent while a write transaction is open: before or after it, never half of it", async () => {
    const source = await emptyTarget(backend, "online");
    const db = await openTarget(source.target);
    const fresh = await emptyTarget(backend, "online-restored");
    try {
      await migrate(db, Date.now());
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const writing = db.tx(async (orm) => {
        for (const slug of ["one", "two"]) {
          await orm
            .insert(db.schema.projects)
            .values({ id: `p-${slug}`, slug, name: slug, defaultBranch: "main", createdAt: 1 });
        }
        await gate;
      });
      const backingUp = createBackup({
        db,
        postgresUrl: source.target.backend === "postgres" ? source.target.url : undefined,
        dir: join(work, `online-${backend}`),
        now: Date.now(),
        version: "test",
      });
      await new Promise((r) => setTimeout(r, 200));
      release();
      await writing;
      const { file: f, manifest } = await backingUp;
      // PGlite waits for the transaction; SQLite and PostgreSQL copy the last committed state.
      expect([0, 2]).toContain(manifest.counts.projects);
      await restoreBackup({ file: f, target: fresh.target }); // checks every table against the manifest
    } finally {
      await db.close();
      await source.drop();
      await fresh.drop();
    }
  });
});

describe.each(BACKENDS)("scheduled backup on %s", (backend) => {
  it("a tick of the backup schedule enqueues one backup job; the worker writes it into backupDir and keeps backupKeep", async () => {
    const source = await emptyTarget(backend, "scheduled");
    const db = await openTarget(source.target);
    const dir = join(work, `scheduled-${backend}`);
    const app = appOn(db, source.target, { backupDir: dir, backupKeep: 2, backupSchedule: "15 2 * * *" });
    try {
      await migrate(db, Date.now());
      const def = SCHEDULES.find((d) => d.name === "backup")!;
      const o = {
        store: app.store,
        clock: Date.now,
        log: createLogger("silent"),
        rescore: "17 * * * *",
        backup: "15 2 * * *",
        wake: () => undefined,
        schedulerId: "test",
      };
      expect(def.cron(o)).toBe("15 2 * * *");
      expect(def.cron({ ...o, backup: undefined })).toBe("off"); // startSchedules starts no cron for it
      for (let day = 1; day <= 3; day++) {
        const tickAt = Date.UTC(2026, 0, day, 2, 15);
        expect(await fireTick(o, def, tickAt)).toBe(true);
        expect(await fireTick({ ...o, schedulerId: "other replica" }, def, tickAt)).toBe(false); // once per tick
        expect(await app.runJobsOnce()).toBe(1);
        await new Promise((r) => setTimeout(r, 5));
      }
      const left = await listBackups(dir);
      expect(left).toHaveLength(2);
      expect(left[0].name).toMatch(new RegExp(`^flakeguard-${backend}-`));
    } finally {
      await app.stop();
      await db.close();
      await source.drop();
    }
  });
});

describe.each(BACKENDS)("backup of an older schema on %s", (backend) => {
  it("backs up and restores a database on the first migration only; migrate then brings it up to date", async () => {
    const exec = (db: Db, statement: string) =>
      db.dialect === "pg"
        ? db.orm.execute(sql.raw(statement))
        : (db.orm as unknown as { run(q: unknown): unknown }).run(sql.raw(statement));
    const source = await emptyTarget(backend, "older");
    const fresh = await emptyTarget(backend, "older_restored");
    const db = await openTarget(source.target);
    try {
      const [first, ...later] = embeddedMigrations(db);
      await exec(db, "create table flakeguard_migrations (name text primary key, applied_at bigint not null)");
      for (const statement of migrationStatements(first)) await exec(db, statement);
      await exec(db, `insert into flakeguard_migrations (name, applied_at) values ('${first.name}', 1)`);
      await exec(
        db,
        "insert into projects (id, slug, name, default_branch, created_at) values ('p1', 'old', 'Old', 'main', 1)",
      );
      const { file: f, manifest } = await createBackup({
        db,
        postgresUrl: source.target.backend === "postgres" ? source.target.url : undefined,
        dir: join(work, `older-${backend}`),
        now: Date.now(),
        version: "test",
      });
      expect(manifest.migrations).toEqual([first.name]);
      expect(manifest.counts.projects).toBe(1);
      expect(Object.keys(manifest.counts).length).toBeLessThan(tableNames().length); // newer tables are not there yet
      await restoreBackup({ file: f, target: fresh.target });
      const restored = await openTarget(fresh.target);
      try {
        expect((await migrate(restored, Date.now())).applied).toEqual(later.map((m) => m.name));
        expect(await createStore(restored).projects.getProject("old")).toMatchObject({ name: "Old" });
      } finally {
        await restored.close();
      }
    } finally {
      await db.close();
      await source.drop();
      await fresh.drop();
    }
  });
});

describe("backup retention (keep N)", () => {
  it("keeps the newest N backups by the time in their names and ignores other files", async () => {
    const dir = join(work, "keep");
    const target: DatabaseTarget = { backend: "sqlite", path: join(work, "keep-src", "flakeguard.db") };
    mkdirSync(join(work, "keep-src"), { recursive: true });
    const db = await openDb(target);
    await migrate(db, Date.now());
    const t0 = Date.UTC(2026, 0, 1, 3, 0, 0);
    for (let i = 0; i < 4; i++) await createBackup({ db, dir, now: t0 + i * 86_400_000, version: "test" });
    await db.close();
    writeFileSync(join(dir, "notes.txt"), "mine");
    expect(await pruneBackups(dir, 2)).toEqual([
      "flakeguard-sqlite-20260102T030000000Z.fgbackup",
      "flakeguard-sqlite-20260101T030000000Z.fgbackup",
    ]);
    expect((await listBackups(dir)).map((b) => b.name)).toEqual([
      "flakeguard-sqlite-20260104T030000000Z.fgbackup",
      "flakeguard-sqlite-20260103T030000000Z.fgbackup",
    ]);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });
});

describe.each(BACKENDS)("retention of raw results on %s", (backend) => {
  it("prunes raw reports and results older than retentionDays; tests, verdicts and report rows stay; scoring still works", async () => {
    let now = Date.UTC(2026, 0, 1);
    const t = await startTestApp(backend, { retentionDays: 90 }, { clock: () => now });
    try {
      await t.json("POST", "/api/v1/projects", { slug: "web" });
      const upload = (body: string, commit: string) =>
        t.request(`/api/v1/projects/web/reports?commit=${commit}&branch=main`, {
          method: "POST",
          body,
          headers: { "content-type": "application/xml" },
        });
      const old: string[] = [];
      for (let i = 0; i < 4; i++) old.push((await (await upload(junit(i % 2 === 0), `old${i}`)).json()).reports[0].id);
      now += 100 * 86_400_000;
      const fresh = (await (await upload(junit(true), "new1")).json()).reports[0].id;
      await t.app.runJobsOnce(); // the rescores the uploads queued, so the run below is the pruning alone
      const db = t.app.store.db;
      const count = async (q: string) => Number((await db.rows<{ n: number | string }>(sql.raw(q)))[0].n);
      const verdictsBefore = await count("select count(*) as n from verdicts");
      const resultsOfFresh = await count(`select count(*) as n from results where report_id = '${fresh}'`);
      expect(verdictsBefore).toBeGreaterThan(0);

      const runsOfAdds = () =>
        count(
          "select max(v.runs) as n from verdicts v join tests t on t.id = v.test_id where t.name = 'adds' and v.variant = ''",
        );
      expect(await runsOfAdds()).toBe(5);

      await t.app.store.jobs.enqueueJob({ kind: PRUNE_RESULTS_JOB, payload: {} }, now);
      expect(await t.app.runJobsOnce()).toBe(2); // the pruning, then the rescore of the project it queued
      expect(await runsOfAdds()).toBe(1); // scored from what is left: the fresh report

      expect(
        await count(`select count(*) as n from results where report_id in (${old.map((id) => `'${id}'`).join(",")})`),
      ).toBe(0);
      expect(
        await count(
          `select count(*) as n from reports where raw is not null and id in (${old.map((id) => `'${id}'`).join(",")})`,
        ),
      ).toBe(0);
      expect(await count(`select count(*) as n from results where report_id = '${fresh}'`)).toBe(resultsOfFresh);
      expect(await count("select count(*) as n from verdicts")).toBe(verdictsBefore);
      // The report rows and the tests stay readable.
      expect((await t.json("GET", `/api/v1/projects/web/reports/${old[0]}`)).body).toMatchObject({
        state: "processed",
        counts: { tests: 3 },
      });
      expect((await t.json("GET", "/api/v1/projects/web/tests")).body.tests).toHaveLength(3);
      // Scoring goes on over what is left: a new upload is scored and a second pass prunes nothing more.
      expect((await upload(junit(false), "new2")).status).toBe(201);
      await t.app.store.jobs.enqueueJob({ kind: PRUNE_RESULTS_JOB, payload: {} }, now);
      await t.app.runJobsOnce();
      expect(await count(`select count(*) as n from results where report_id = '${fresh}'`)).toBe(resultsOfFresh);
    } finally {
      await t.close();
    }
  });

  it("keeps everything with retentionDays 0", async () => {
    let now = Date.UTC(2026, 0, 1);
    const t = await startTestApp(backend, { retentionDays: 0 }, { clock: () => now });
    try {
      await t.json("POST", "/api/v1/projects", { slug: "web" });
      await t.request("/api/v1/projects/web/reports?commit=a", {
        method: "POST",
        body: junit(true),
        headers: { "content-type": "application/xml" },
      });
      now += 1000 * 86_400_000;
      await t.app.store.jobs.enqueueJob({ kind: PRUNE_RESULTS_JOB, payload: {} }, now);
      await t.app.runJobsOnce();
      expect(
        Number((await t.app.store.db.rows<{ n: number | string }>(sql.raw("select count(*) as n from results")))[0].n),
      ).toBe(4);
    } finally {
      await t.close();
    }
  });
});
