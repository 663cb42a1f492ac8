// Fair sharing between projects (issue 22): while one project's huge report is in flight, another project's
// small report is stored and scored by the worker's spare loop instead of waiting behind it, and a free loop
// takes an idle project's job before an older one of a busy project. States and order, never wall-clock time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS } from "../../src/jobs/registry.ts";
import { runNextJob, type WorkerOptions } from "../../src/jobs/worker.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { jobDeps } from "../helpers/job-deps.ts";

const LEASE = 60_000;
const SPARE = { idleProjectsOnly: true };

/** A JUnit report of `n` tests, one failing, different per `k`. */
function report(n: number, k: number): string {
  const cases = Array.from({ length: n }, (_, i) =>
    i === 0
      ? `<testcase classname="c" name="t${i}"><failure message="m${k}"/></testcase>`
      : `<testcase classname="c" name="t${i}" time="0.${k}"/>`,
  );
  return `<testsuite name="s">${cases.join("")}</testsuite>`;
}

describe.each(BACKENDS)("fair sharing between projects on %s", (backend) => {
  let t: TestApp;
  let worker: WorkerOptions;
  const projects: Record<string, string> = {};
  const now = Date.UTC(2026, 10, 1);
  let k = 0;
  const upload = async (slug: string, tests: number): Promise<string> => {
    k++;
    const res = await t.request(`/api/v1/projects/${slug}/reports?commit=c${k}&branch=main&run=r${k}&job=unit`, {
      method: "POST",
      body: report(tests, k),
    });
    expect(res.status).toBe(202); // every upload queued (inlineConcurrency 0)
    return ((await res.json()) as { reports: { id: string }[] }).reports[0].id;
  };
  const state = async (slug: string, id: string) =>
    (await t.json("GET", `/api/v1/projects/${slug}/reports/${id}`)).body.state as string;
  const counts = async (slug: string) =>
    (await t.json("GET", `/api/v1/projects/${slug}`)).body.counts as {
      pendingReports: number;
      pendingRescores: number;
    };

  beforeAll(async () => {
    t = await startTestApp(backend, { inlineConcurrency: 0 }, { clock: () => now });
    for (const slug of ["big", "small"]) projects[slug] = (await t.json("POST", "/api/v1/projects", { slug })).body.id;
    worker = {
      jobs: t.app.store.jobs,
      registry: JOBS,
      deps: jobDeps(t.app.store, () => now, { uploads: t.app.uploads }),
      log: createLogger("silent"),
      clock: () => now,
      leaseMs: LEASE,
    };
  });
  afterAll(() => t?.close());

  it("runs another project's small report while a big one is in flight, and no second job of the busy project", async () => {
    const bigFirst = await upload("big", 200);
    const bigSecond = await upload("big", 200);
    // The first big report is in flight: a loop claimed it and holds a live lease.
    const inFlight = await t.app.store.jobs.claimJob("main-loop", now, LEASE);
    expect(inFlight?.payload).toMatchObject({ reportId: bigFirst, projectId: projects.big });
    const small = await upload("small", 3);

    // The spare loop stores the small report, though the big project's second report was queued before it…
    expect(await runNextJob(worker, "spare-loop", SPARE)).toBe(true);
    expect(await state("small", small)).toBe("processed");
    expect(await state("big", bigSecond)).toBe("queued");
    // …then scores it: the small project is settled while the big one's work is not finished.
    expect(await runNextJob(worker, "spare-loop", SPARE)).toBe(true);
    expect(await counts("small")).toMatchObject({ pendingReports: 0, pendingRescores: 0 });
    expect(await counts("big")).toMatchObject({ pendingReports: 2 });
    // Nothing else is the spare loop's: the big project's second report waits for a main loop.
    expect(await runNextJob(worker, "spare-loop", SPARE)).toBe(false);
    expect(await state("big", bigSecond)).toBe("queued");

    // Once the big report is done, its project is idle again and the spare loop may take its work.
    await t.app.store.jobs.completeJobs([inFlight!.id], now);
    expect(await runNextJob(worker, "spare-loop", SPARE)).toBe(true);
    expect(await state("big", bigSecond)).toBe("processed");
  });

  it("gives a free loop an idle project's job before an older one of a busy project", async () => {
    await upload("big", 20);
    // A job of the big project runs (a rescore of its tests, say) while another of its reports is queued.
    const running = await t.app.store.jobs.claimJob("main-loop", now, LEASE);
    expect(running?.payload).toMatchObject({ projectId: projects.big });
    await upload("big", 20);
    await upload("small", 3);
    const next = await t.app.store.jobs.claimJob("second-loop", now, LEASE);
    expect(next?.payload).toMatchObject({ projectId: projects.small });
    // With no idle project's job left, a main loop still takes the busy project's (FIFO within a project).
    const after = await t.app.store.jobs.claimJob("second-loop", now, LEASE);
    expect(after?.payload).toMatchObject({ projectId: projects.big });
    await t.app.store.jobs.completeJobs([running!.id, next!.id, after!.id], now);
  });

  it("takes into a batch only the first job's project: another project's report waits for no huge one", async () => {
    // Drain what the tests above left.
    while (await runNextJob(worker, "main-loop")) {
      /* runs every due job */
    }
    const big = await upload("big", 50);
    const small = await upload("small", 3);
    const bigAgain = await upload("big", 50);
    // The main loop's batch of process-report jobs: both big reports, not the small one queued between them.
    expect(await runNextJob(worker, "main-loop")).toBe(true);
    expect([await state("big", big), await state("big", bigAgain), await state("small", small)]).toEqual([
      "processed",
      "processed",
      "queued",
    ]);
  });
});
