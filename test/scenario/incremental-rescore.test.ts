// Score only what can change (issue 22): a pass of a clean test is not rescored, and that changes nothing a
// person or the API sees. A CI history is replayed (one OS, so most tests have one variant, plus a long job
// whose tests fill their 500-observation window and a job in two variants); once settled, everything the API
// shows of every test is recorded, the project is rescored in full, and the API must show exactly the same:
// statuses, scores, intervals, runs, failure rates, evidence, per-variant verdicts. The stored rows differ,
// if at all, only in the figures a pass moves (runs, failure rate's denominator, the upper bound): the test
// also checks that some did lag, so the skip really happened.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescoreTests } from "../../src/act/rescore.ts";
import { generateHistory } from "../../src/demo/generate.ts";
import { uploadQuery } from "../../src/demo/query.ts";
import type { Verdict } from "../../src/model/verdict.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";

const MINUTE = 60_000;
/** Uploads of the long job: past the 500-observation window, so observations leave it while passes are skipped. */
const LONG_RUNS = 520;
/** How long a replay may take to read settled once its uploads are answered. */
const SETTLE_MS = 60_000;
const REPLAY_TIMEOUT_MS = 300_000;

interface Upload {
  query: string;
  xml: string;
  at: number;
}

const history = generateHistory({ seed: 7, tests: 40, commits: 60, oses: ["linux"] });
const start = history.uploads[0].receivedAt;

/** The generated history, and two hand-written jobs beside it. */
function uploads(long: boolean): Upload[] {
  const out: Upload[] = history.uploads.map((u) => ({
    query: uploadQuery(u.meta).toString(),
    xml: u.junitXml,
    at: u.receivedAt,
  }));
  const end = history.uploads.at(-1)!.receivedAt;
  // Two variants of one job, on every tenth generated upload: always scored (a pass of one variant pushes
  // the other's observations out of a shared window).
  history.uploads.forEach((u, i) => {
    if (i % 10 !== 0) return;
    for (const os of ["linux", "mac"]) {
      const query = new URLSearchParams({
        commit: u.meta.commit,
        branch: u.meta.branch,
        run: u.meta.run,
        job: `matrix (${os})`,
        variant: `os=${os}`,
      });
      out.push({
        query: query.toString(),
        xml: junit("matrix", { both: true, flakyOnMac: !(os === "mac" && i % 70 === 0) }),
        at: u.receivedAt + 1000,
      });
    }
  });
  if (long) {
    const step = Math.floor((end - start) / LONG_RUNS);
    for (let i = 0; i < LONG_RUNS; i++) {
      const query = new URLSearchParams({ commit: `long${i}`, branch: "main", run: `long-run-${i}`, job: "long" });
      const cases = {
        steady: true,
        // One failure early: it leaves the window after 500 more runs, and the test is clean again.
        failsOnce: i !== 20,
        // Skipped every third run: skips take window slots but count no run.
        sometimesSkipped: i % 3 === 0 ? "skip" : true,
      } as const;
      out.push({ query: query.toString(), xml: junit("long", cases), at: start + i * step + 30 * MINUTE });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function junit(suite: string, cases: Record<string, boolean | "skip">): string {
  const body = Object.entries(cases).map(([name, outcome]) =>
    outcome === true
      ? `<testcase classname="${suite}.Suite" name="${name}" time="0.01"/>`
      : outcome === "skip"
        ? `<testcase classname="${suite}.Suite" name="${name}" time="0"><skipped/></testcase>`
        : `<testcase classname="${suite}.Suite" name="${name}" time="0.01"><failure message="expected 1, got 2">at x.js:1</failure></testcase>`,
  );
  return `<testsuite name="${suite}">${body.join("")}</testsuite>`;
}

/** Waits, a bounded time, until the project reads settled: no report queued, no rescore pending. */
async function settled(t: TestApp): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const { counts } = (await t.json("GET", "/api/v1/projects/web")).body as {
      counts: { pendingReports: number; pendingRescores: number };
    };
    if (counts.pendingReports === 0 && counts.pendingRescores === 0) return;
    if (Date.now() > deadline) throw new Error(`not settled after ${SETTLE_MS} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Everything the API shows of the project's tests: the list, overall and per variant, and each test's verdicts. */
async function shown(t: TestApp): Promise<Record<string, unknown>> {
  const list = (await t.json("GET", "/api/v1/projects/web/tests?limit=500")).body.tests as { id: string }[];
  const linux = (await t.json("GET", "/api/v1/projects/web/tests?limit=500&variant=os%3Dlinux")).body.tests;
  const details: Record<string, unknown> = {};
  for (const { id } of list) {
    const { verdict, variants } = (await t.json("GET", `/api/v1/projects/web/tests/${id}`)).body;
    details[id] = { verdict, variants };
  }
  return { list, linux, details };
}

/** The stored rows, overall and per variant, by test and variant. */
async function storedRows(t: TestApp, ids: string[]): Promise<Map<string, Verdict>> {
  const out = new Map<string, Verdict>();
  for (const id of ids)
    for (const [variant, v] of Object.entries(await t.app.store.verdicts.testVerdicts(id)))
      out.set(`${id} ${variant}`, v);
  return out;
}

// Not on PGlite: it runs the same SQL as PostgreSQL, at a third of its speed, and the replay is long.
describe.each(BACKENDS.filter((b) => b !== "pglite"))(
  "on %s, scoring only the tests whose verdict can move",
  (backend) => {
    let t: TestApp;
    let clock: { now: number };
    beforeAll(async () => {
      clock = { now: start };
      t = await startTestApp(backend, {}, { worker: true, clock: () => clock.now });
      await t.json("POST", "/api/v1/projects", { slug: "web", defaultBranch: "main" });
      // The long job only on the first backend: 520 uploads more cost the others minutes and test nothing new.
      for (const u of uploads(backend === BACKENDS[0])) {
        clock.now = u.at;
        const res = await t.request(`/api/v1/projects/web/reports?${u.query}`, { method: "POST", body: u.xml });
        expect([201, 202], await res.clone().text()).toContain(res.status);
      }
      await settled(t);
    }, REPLAY_TIMEOUT_MS);
    afterAll(() => t?.close());

    it("shows exactly what a full rescore of the same history shows", async () => {
      const before = await shown(t);
      const ids = (before.list as { id: string }[]).map((x) => x.id);
      const storedBefore = await storedRows(t, ids);
      const project = (await t.app.store.projects.getProject("web"))!;
      await rescoreTests(t.app.store, project, ids, clock.now);
      const after = await shown(t);
      expect(after).toEqual(before);

      // The history holds flaky tests, broken ones and clean ones, so agreement means something.
      const statuses = (before.list as { status: string }[]).map((x) => x.status);
      expect(statuses.filter((s) => s === "flaky").length).toBeGreaterThanOrEqual(2);
      expect(statuses.filter((s) => s === "healthy").length).toBeGreaterThanOrEqual(20);

      // Stored rows: all a person acts on is the full rescore's; only the figures a pass moves may lag.
      const storedAfter = await storedRows(t, ids);
      let lagged = 0;
      for (const [key, full] of storedAfter) {
        const incremental = storedBefore.get(key);
        expect(incremental, key).toBeDefined();
        const { runs, failureRate, high, ...rest } = full;
        const { runs: r, failureRate: f, high: h, ...restBefore } = incremental!;
        expect(restBefore, key).toEqual(rest);
        if (r !== runs || f !== failureRate || h !== high) {
          expect([r, f, full.status, full.failures], key).toEqual([r, 0, "healthy", 0]);
          lagged++;
        }
      }
      expect(lagged).toBeGreaterThan(0);
    });

    if (backend === BACKENDS[0]) {
      it("judges the long job's tests past their window as a full rescore does", async () => {
        const list = (await t.json("GET", "/api/v1/projects/web/tests?limit=500&q=long.Suite")).body.tests as {
          name: string;
          status: string;
          runs: number;
        }[];
        const byName = Object.fromEntries(list.map((x) => [x.name, x]));
        // Its one failure left the window: healthy, and clean again.
        expect(byName.failsOnce).toMatchObject({ status: "healthy", runs: 500 });
        expect(byName.steady).toMatchObject({ status: "healthy", runs: 500 });
        expect(byName.sometimesSkipped.status).toBe("healthy");
        expect(byName.sometimesSkipped.runs).toBeLessThan(340);
      });
    }
  },
);
