// Scale-out semantics on every backend: a schedule tick fires once however many schedulers race for it,
// a dead worker's job is taken over and processed once, the worker role serves no API, rate limits answer 429.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobDefinition } from "../../src/jobs/definition.ts";
import { fireTick, SCHEDULES, startSchedules, type ScheduleOptions } from "../../src/jobs/schedules.ts";
import { runNextJob } from "../../src/jobs/worker.ts";
import { createLogger } from "../../src/lib/log.ts";
import type { NewJob } from "../../src/model/job.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const JUNIT = (n: number) =>
  `<testsuite name="s">${Array.from({ length: n }, (_, i) => `<testcase classname="c" name="t${i}"/>`).join("")}</testsuite>`;

async function count(t: TestApp, query: string): Promise<number> {
  const rows = await t.app.store.db.rows<{ n: number | string }>(sql.raw(query));
  return Number(rows[0].n);
}

describe.each(BACKENDS)("scale-out on %s", (backend) => {
  let t: TestApp;
  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const options = (schedulerId: string): ScheduleOptions => ({
    store: t.app.store,
    clock: () => now,
    log: createLogger("silent"),
    rescore: "0 * * * *",
    wake: () => undefined,
    schedulerId,
  });
  beforeAll(async () => {
    t = await startTestApp(backend, { inlineMaxBytes: 0 }, { clock: () => now });
    for (const slug of ["web", "api"]) expect((await t.json("POST", "/api/v1/projects", { slug })).status).toBe(201);
  });
  afterAll(() => t?.close());

  it("fires a tick once when three schedulers race for it, and the next tick again", async () => {
    const rescore = SCHEDULES.find((s) => s.name === "rescore")!;
    const tick = Date.UTC(2026, 0, 1, 12, 0, 0);
    const fired = await Promise.all(["a", "b", "c"].map((id) => fireTick(options(id), rescore, tick)));
    expect(fired.filter(Boolean)).toHaveLength(1);
    expect(await count(t, "select count(*) as n from jobs where kind = 'rescore'")).toBe(2); // one per project, once
    expect(await fireTick(options("d"), rescore, tick)).toBe(false);
    expect(await fireTick(options("a"), rescore, tick + 3_600_000)).toBe(true);
    expect(await count(t, "select count(*) as n from jobs where kind = 'rescore'")).toBe(4);
    await t.app.runJobsOnce();
  });

  it("runs real croner schedules in two schedulers: every tick's jobs are enqueued exactly once", async () => {
    const every = {
      ...SCHEDULES.find((s) => s.name === "release-quarantine")!,
      name: "test-every-second",
      cron: () => "* * * * * *",
    };
    // Two schedulers on the same database (two replicas), each running the same every-second schedule.
    const a = startSchedules(options("replica-a"), [every]);
    const b = startSchedules(options("replica-b"), [every]);
    await new Promise((r) => setTimeout(r, 2600));
    a.stop();
    b.stop();
    await new Promise((r) => setTimeout(r, 300)); // a tick in flight finishes its transaction
    const ticks = await count(t, "select count(*) as n from schedule_ticks where schedule = 'test-every-second'");
    expect(ticks).toBeGreaterThanOrEqual(2);
    const jobs = await t.app.store.db.rows<{ tick: string | number; n: number | string }>(
      sql.raw(
        backend === "sqlite"
          ? "select json_extract(payload, '$.tickAt') as tick, count(*) as n from jobs where kind = 'release-quarantine' group by tick"
          : "select payload->>'tickAt' as tick, count(*) as n from jobs where kind = 'release-quarantine' group by tick",
      ),
    );
    expect(jobs).toHaveLength(ticks);
    expect(jobs.every((j) => Number(j.n) === 1)).toBe(true);
    await t.app.runJobsOnce();
  });

  it("hands a dead worker's job to another after its lease, and the report's results are stored once", async () => {
    const tok = await t.json("POST", "/api/v1/projects/web/tokens", { scope: "upload" });
    const res = await t.request("/api/v1/projects/web/reports?commit=dead1", {
      method: "POST",
      body: JUNIT(5),
      token: tok.body.token,
    });
    expect(res.status).toBe(202);
    const { reports } = await res.json();
    // Worker A claims the job, does the work, and dies before marking the job done.
    const claimed = await t.app.store.jobs.claimJob("worker-a", now, 60_000);
    expect(claimed?.kind).toBe("process-report");
    await t.app.uploads.processQueued(reports[0].id);
    await t.app.runJobsOnce(); // the rescore its processing queued, not the leased job:
    expect(await count(t, "select count(*) as n from jobs where kind = 'process-report' and state = 'running'")).toBe(
      1,
    );
    now += 60_000 + 1; // past the lease (60 s by default; nobody renews it: its worker died)
    expect(await t.app.runJobsOnce()).toBeGreaterThanOrEqual(1);
    expect(await count(t, `select count(*) as n from results where report_id = '${reports[0].id}'`)).toBe(5);
    expect(await count(t, `select count(*) as n from jobs where state <> 'done'`)).toBe(0);
  });

  it("renews the lease of a job that runs longer than the lease, so no other worker takes it", async () => {
    // A kind only this test knows (no real job's side effects, no schedule queues one): cast past JobPayloads.
    const slow = {
      kind: "slow-test-job",
      run: () => new Promise((r) => setTimeout(r, 1200)),
    } as unknown as JobDefinition;
    await t.app.store.jobs.enqueueJob({ kind: slow.kind, payload: {} } as unknown as NewJob, Date.now());
    const log = createLogger("silent");
    const o = {
      jobs: t.app.store.jobs,
      registry: new Map([[slow.kind, slow]]),
      deps: {} as never,
      log,
      clock: Date.now,
      leaseMs: 300,
    };
    const running = runNextJob(o, "worker-slow");
    const lockedBy = async () =>
      (
        await t.app.store.db.rows<{ locked_by: string | null }>(
          sql.raw("select locked_by from jobs where kind = 'slow-test-job'"),
        )
      )[0]?.locked_by;
    while ((await lockedBy()) !== "worker-slow") await new Promise((r) => setTimeout(r, 10)); // claimed before anyone else looks
    const stolen: unknown[] = [];
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      const job = await t.app.store.jobs.claimJob("worker-thief", Date.now(), 300);
      if (job) stolen.push(job);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await running).toBe(true);
    expect(stolen).toEqual([]);
    const rows = await t.app.store.db.rows<{ state: string; attempts: number }>(
      sql.raw("select state, attempts from jobs where kind = 'slow-test-job'"),
    );
    expect(rows.map((r) => [r.state, Number(r.attempts)])).toEqual([["done", 1]]);
  });

  it("hands over a job whose worker died before doing anything, and it is processed once", async () => {
    const res = await t.request("/api/v1/projects/web/reports?commit=dead2", { method: "POST", body: JUNIT(3) });
    const { reports } = await res.json();
    expect(await t.app.store.jobs.claimJob("worker-b", now, 60_000)).toBeDefined();
    now += 60_001;
    await t.app.runJobsOnce();
    expect((await t.json("GET", `/api/v1/projects/web/reports/${reports[0].id}`)).body.state).toBe("processed");
    expect(await count(t, `select count(*) as n from results where report_id = '${reports[0].id}'`)).toBe(3);
  });
});

describe("--role worker", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("sqlite", { role: "worker" });
  });
  afterAll(() => t?.close());

  it("serves /livez, /readyz and /metrics, and no API", async () => {
    expect((await t.request("/livez")).status).toBe(200);
    expect((await t.request("/readyz")).status).toBe(200);
    expect(await (await t.request("/metrics")).text()).toContain("flakeguard_build_info");
    const api = await t.request("/api/v1/projects");
    expect(api.status).toBe(404);
    expect((await api.json()).error.message).toMatch(/--role worker/);
  });
});

describe("API rate limit (in memory)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      "sqlite",
      { apiRateLimit: 5, uploadRateLimit: 2 },
      { clock: () => Date.UTC(2026, 0, 1, 12, 0, 30) },
    );
  });
  afterAll(() => t?.close());

  it("gives uploads their own budget per token, apart from the rest of the API", async () => {
    await t.json("POST", "/api/v1/projects", { slug: "web" }); // API hit 1 of 5 for the admin token
    const token = (await t.json("POST", "/api/v1/projects/web/tokens", { scope: "upload" })).body.token; // hit 2
    const up = async (i: number) =>
      (await t.request(`/api/v1/projects/web/reports?commit=u${i}`, { method: "POST", body: JUNIT(1), token })).status;
    expect([await up(1), await up(2), await up(3)]).toEqual([201, 201, 429]);
    const other = (await t.json("POST", "/api/v1/projects/web/tokens", { scope: "upload" })).body.token; // hit 3
    expect(
      await (
        await t.request("/api/v1/projects/web/reports?commit=u9", { method: "POST", body: JUNIT(1), token: other })
      ).status,
    ).toBe(201);
    expect((await t.request("/api/v1/projects/web/quarantine", { token })).status).toBe(200); // its API budget is untouched
  });

  it("answers 429 with Retry-After and X-RateLimit headers past the API budget of a token", async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await t.request("/api/v1/projects");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429]); // 3 of the admin token's 5 went to the test above
    expect(last!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(last!.headers.get("x-ratelimit-limit")).toBe("5");
    expect(last!.headers.get("x-ratelimit-remaining")).toBe("0");
    expect((await last!.json()).error.code).toBe("rate_limited");
    expect((await t.request("/livez")).status).toBe(200); // health is never limited
  });
});
