// One CI history replayed with concurrent uploads (inline and queued) into every backend, and once more one
// upload at a time: once each project reads settled (pendingReports 0, pendingRescores 0), every test's
// verdict is the same everywhere, and the scheduled rescore, run later, changes none of them.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateHistory } from "../../src/demo/generate.ts";
import { uploadQuery } from "../../src/demo/query.ts";
import { SCHEDULES } from "../../src/jobs/schedules.ts";
import { RESCORE_JOB } from "../../src/model/job.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";

const DAY = 86_400_000;
/** Uploads sent at once: more than inlineConcurrency (1), so some are processed inline and the rest queued. */
const WAVE = 6;
/** How long a replay may take to read settled once its uploads are answered. */
const SETTLE_MS = 30_000;
/** A replay and its settling: ~20 s alone on this machine; room for a loaded one. */
const REPLAY_TIMEOUT_MS = 180_000;

interface Upload {
  query: string;
  xml: string;
  at: number;
}

const history = generateHistory({ seed: 11, tests: 40, commits: 25, oses: ["linux", "windows"] });
const UPLOADS = [
  ...history.uploads.map((u) => ({ query: uploadQuery(u.meta).toString(), xml: u.junitXml, at: u.receivedAt })),
  ...extraUploads(),
].sort((a, b) => a.at - b.at);

/**
 * Hand-written reports of a job "extra" beside the generated ones: a test that breaks at one main commit
 * (every execution there fails, re-run included) and passes at the next — twice in its history —, a test
 * that fails only on one pull request's push, and a steady one.
 */
function extraUploads(): Upload[] {
  const pushes = new Map<string, { commit: string; branch: string; pr: string | null; run: string; at: number }>();
  for (const u of history.uploads) {
    if (u.meta.attempt === 1 && !pushes.has(u.meta.commit)) pushes.set(u.meta.commit, { ...u.meta, at: u.receivedAt });
  }
  const main = [...pushes.values()].filter((p) => p.pr === null);
  const breaks = new Set([main[6].commit, main[16].commit]);
  const prBreak = [...pushes.values()].find((p) => p.pr !== null)!.commit;
  const out: Upload[] = [];
  for (const p of pushes.values()) {
    const attempts = breaks.has(p.commit) ? [1, 2] : [1];
    for (const os of ["linux", "windows"]) {
      for (const attempt of attempts) {
        const cases = { steady: true, breaksOnce: !breaks.has(p.commit), prOnly: p.commit !== prBreak };
        const query = new URLSearchParams({
          commit: p.commit,
          branch: p.branch,
          run: p.run,
          job: `extra (${os})`,
          attempt: String(attempt),
          variant: `os=${os}`,
        });
        if (p.pr !== null) query.set("pr", p.pr);
        out.push({
          query: query.toString(),
          xml: junit(cases),
          at: p.at + attempt * 600_000 + (os === "linux" ? 1000 : 2000),
        });
      }
    }
  }
  return out;
}

function junit(cases: Record<string, boolean>): string {
  const body = Object.entries(cases).map(([name, passed]) =>
    passed
      ? `<testcase classname="extra.Suite" name="${name}" time="0.01"/>`
      : `<testcase classname="extra.Suite" name="${name}" time="0.01"><failure message="expected 1, got 2">at extra.js:1</failure></testcase>`,
  );
  return `<testsuite name="extra">${body.join("")}</testsuite>`;
}

/** Each test's overall verdict, by suite and name. */
type Verdicts = Record<string, { status: string; score: number }>;

/**
 * A backend's replay: uploads in waves of `WAVE`, all of a wave at the clock time of its first, sent at once
 * or one after another (then each is processed in its request).
 */
async function replay(
  t: TestApp,
  clock: { now: number },
  together: boolean,
): Promise<{ inline: number; queued: number }> {
  const answered = { inline: 0, queued: 0 };
  const send = (u: Upload) => t.request(`/api/v1/projects/web/reports?${u.query}`, { method: "POST", body: u.xml });
  for (let i = 0; i < UPLOADS.length; i += WAVE) {
    const group = UPLOADS.slice(i, i + WAVE);
    clock.now = group[0].at;
    const answers: Response[] = [];
    if (together) answers.push(...(await Promise.all(group.map(send))));
    else for (const u of group) answers.push(await send(u));
    for (const res of answers) {
      expect([201, 202], await res.clone().text()).toContain(res.status);
      answered[res.status === 201 ? "inline" : "queued"]++;
    }
  }
  return answered;
}

/** Waits, a bounded time, until the project reads settled: no report queued, no rescore pending. */
async function settled(t: TestApp): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const counts = (await t.json("GET", "/api/v1/projects/web")).body.counts as {
      pendingReports: number;
      pendingRescores: number;
    };
    if (counts.pendingReports === 0 && counts.pendingRescores === 0) return;
    if (Date.now() > deadline) {
      // What holds it back: a job that failed waits for a retry the test's clock never reaches.
      const waiting = await t.app.store.db.rows(
        sql`select kind, state, attempts, last_error as "lastError" from jobs where state in ('queued', 'running')`,
      );
      throw new Error(`not settled after ${SETTLE_MS} ms: ${JSON.stringify(counts)}; ${JSON.stringify(waiting)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function verdicts(t: TestApp): Promise<Verdicts> {
  const tests = (await t.json("GET", "/api/v1/projects/web/tests?limit=500")).body.tests as {
    suite: string;
    name: string;
    status: string;
    score: number;
  }[];
  return Object.fromEntries(tests.map((x) => [`${x.suite}::${x.name}`, { status: x.status, score: x.score }]));
}

/** Starts a backend's app (with its worker) on a clock the replay sets, and a project. */
async function start(backend: (typeof BACKENDS)[number]): Promise<{ t: TestApp; clock: { now: number } }> {
  const clock = { now: UPLOADS[0].at };
  const t = await startTestApp(backend, {}, { worker: true, clock: () => clock.now });
  await t.json("POST", "/api/v1/projects", { slug: "web", defaultBranch: "main" });
  return { t, clock };
}

describe("the same history gives the same verdicts", () => {
  let reference: Verdicts;

  beforeAll(async () => {
    // The reference: one upload at a time, each processed in its request, on the first backend.
    const { t, clock } = await start(BACKENDS[0]);
    try {
      await replay(t, clock, false);
      await settled(t);
      reference = await verdicts(t);
    } finally {
      await t.close();
    }
  }, REPLAY_TIMEOUT_MS);

  it("calls some tests flaky and most healthy, so agreement means something", () => {
    const statuses = Object.values(reference).map((v) => v.status);
    expect(Object.keys(reference).length).toBe(Object.keys(history.truth).length + 3);
    expect(statuses.filter((s) => s === "flaky").length).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((s) => s === "healthy").length).toBeGreaterThanOrEqual(20);
    // The break that a later commit fixed (every execution at its commit failed, twice) and the PR-only break are no flakes.
    expect(reference["extra.Suite::breaksOnce"]?.status).toBe("healthy");
    expect(reference["extra.Suite::prOnly"]?.status).toBe("healthy");
    expect(reference["extra.Suite::steady"]?.status).toBe("healthy");
  });

  describe.each(BACKENDS)("on %s, uploads sent several at once", (backend) => {
    let t: TestApp;
    let clock: { now: number };
    let answered: { inline: number; queued: number };
    beforeAll(async () => {
      ({ t, clock } = await start(backend));
      answered = await replay(t, clock, true);
      await settled(t);
    }, REPLAY_TIMEOUT_MS);
    afterAll(() => t?.close());

    it("settles on the verdicts of the one-at-a-time replay, uploads processed inline and queued alike", async () => {
      expect(answered.inline).toBeGreaterThan(0);
      expect(answered.queued).toBeGreaterThan(0);
      expect(await verdicts(t)).toEqual(reference);
    });

    it("keeps them: a day later the scheduled jobs, the hourly rescore among them, change none", async () => {
      const before = await verdicts(t);
      clock.now += DAY;
      // What each schedule's tick enqueues (jobs/schedules.ts); not the backup, which writes files.
      let rescores = 0;
      for (const def of SCHEDULES.filter((d) => d.name !== "backup")) {
        for (const job of await def.jobs(t.app.store, clock.now)) {
          await t.app.store.jobs.enqueueJob(job, clock.now);
          if (job.kind === RESCORE_JOB) rescores++;
        }
      }
      expect(rescores).toBe(1);
      await settled(t);
      expect(await verdicts(t)).toEqual(before);
    });
  });
});
