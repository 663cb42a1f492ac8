// The web UI's read endpoints on every backend: overview counts and trend, runs with a cursor, history
// cells with retries, the audit trail, about, the leaderboard's fields, and live updates over SSE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 1, 8);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A JUnit report: `cases` maps test name → outcomes of its attempts ("p" pass, "f" fail). */
function junit(cases: Record<string, string>): string {
  const body = Object.entries(cases)
    .map(([name, attempts]) =>
      [...attempts]
        .map((a) =>
          a === "p"
            ? `<testcase classname="app.Suite" name="${name}" time="0.01"/>`
            : `<testcase classname="app.Suite" name="${name}" time="0.01"><failure message="assertion failed">at app.js:1</failure></testcase>`,
        )
        .join(""),
    )
    .join("\n");
  return `<testsuite name="app">${body}</testsuite>`;
}

/** Reads server-sent events from a streaming response, one at a time. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    /** The next event (comments skipped): its name and parsed data. */
    async next(): Promise<{ event: string; data: Record<string, unknown> }> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n").filter((l) => !l.startsWith(":"));
          if (lines.length === 0) continue;
          const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
          const data = lines
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
          return { event, data: data ? JSON.parse(data) : {} };
        }
        const { done, value } = await reader.read();
        if (done) throw new Error("the event stream ended");
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

describe.each(BACKENDS)("UI API on %s", (backend) => {
  let t: TestApp;
  let now = START;
  /** Live counts seen at each snapshot, by day. */
  const snapshots = new Map<string, { flaky: number; broken: number }>();
  const upload = async (project: string, query: string, xml: string) => {
    const res = await t.request(`/api/v1/projects/${project}/reports?${query}`, { method: "POST", body: xml });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()).reports[0].id as string;
  };
  const testId = async (name: string) =>
    (
      (await t.json("GET", `/api/v1/projects/web/tests?limit=100&q=${name}`)).body.tests as {
        id: string;
        name: string;
      }[]
    ).find((x) => x.name === name)!.id;
  /** What the hourly full rescore does at this moment: verdicts, then today's counts. */
  const rescore = async () => {
    const project = (await t.app.store.projects.getProject("web"))!;
    await t.app.store.jobs.enqueueJob({ kind: "rescore", payload: { projectId: project.id } }, now);
    expect(await t.app.runJobsOnce()).toBeGreaterThan(0);
    const counts = (await t.json("GET", "/api/v1/overview")).body.projects.find(
      (p: { slug: string }) => p.slug === "web",
    ).counts;
    snapshots.set(dayOf(now), { flaky: counts.flaky, broken: counts.broken });
  };

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { clock: () => now });
    await t.json("POST", "/api/v1/projects", { slug: "web" });
    await t.json("POST", "/api/v1/projects", { slug: "api" });
    expect((await t.json("PUT", "/api/v1/projects/web/policy", { auto_quarantine_enabled: false })).status).toBe(200);
    const healthy = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`steady${i}`, "p"]));
    // Ten runs, two a day over five days: "flaps" fails then passes on retry in runs 3 and 7 (os=linux),
    // "regresses" fails from run 6 on. Snapshots (the rescore job) on days 2 and 4; "flaps" quarantined on day 4.
    for (let i = 1; i <= 10; i++) {
      now = START + Math.floor((i - 1) / 2) * DAY + ((i - 1) % 2) * HOUR;
      const cases = { ...healthy, flaps: i === 3 || i === 7 ? "fp" : "p", regresses: i >= 6 ? "f" : "p" };
      await upload("web", `commit=c${i}&branch=main&run=r${i}&job=unit&variant=os=linux`, junit(cases));
      if (i === 4 || i === 8) await rescore();
      if (i === 8) {
        const q = await t.json("POST", "/api/v1/projects/web/quarantine", {
          testId: await testId("flaps"),
          reason: "flaky on CI",
          owner: "ana",
        });
        expect(q.status).toBe(201);
      }
    }
    await upload("api", "commit=a1&branch=main&run=a1&job=unit", junit({ one: "p", two: "p" }));
  });
  afterAll(() => t?.close());

  it("overview: every project with its counts, a 30-day trend and recent incidents", async () => {
    const body = (await t.json("GET", "/api/v1/overview")).body;
    expect(body.projects.map((p: { slug: string }) => p.slug)).toEqual(["api", "web"]);
    const web = body.projects[1];
    expect(web.counts).toEqual({ tests: 8, flaky: 1, broken: 1, quarantined: 1 });
    expect(web.trend).toHaveLength(30);
    expect(web.trend.at(-1).day).toBe(dayOf(now));
    expect(web.trend[0].day).toBe(dayOf(now - 29 * DAY));
    const byDay = Object.fromEntries(web.trend.map((d: { day: string }) => [d.day, d]));
    const day = (n: number) => byDay[dayOf(START + (n - 1) * DAY)];
    // failures: "regresses" failed in runs 6–10 (run 6 on day 3); "flaps" passed on retry, so it is no failure
    expect([1, 2, 3, 4, 5].map((n) => day(n).failures)).toEqual([0, 0, 1, 2, 2]);
    expect([1, 2, 3, 4, 5].map((n) => day(n).quarantined)).toEqual([0, 0, 0, 1, 1]);
    // flaky/broken: none before the first snapshot, the snapshot on its day, carried over the next, live today
    expect(day(1)).toMatchObject({ flaky: null, broken: null });
    expect(day(2)).toMatchObject(snapshots.get(day(2).day)!);
    expect(day(3)).toMatchObject(snapshots.get(day(2).day)!);
    expect(day(4)).toMatchObject(snapshots.get(day(4).day)!);
    expect(day(5)).toMatchObject({ flaky: 1, broken: 1 });
    expect(body.projects[0].counts).toEqual({ tests: 2, flaky: 0, broken: 0, quarantined: 0 });
    expect(body.projects[0].trend.at(-1)).toMatchObject({ failures: 0, quarantined: 0 });
    expect(body.incidents).toEqual([]);
  });

  it("overview: an upload token sees its own project only", async () => {
    const token = (await t.json("POST", "/api/v1/projects/api/tokens", {})).body.token;
    const body = (await t.json("GET", "/api/v1/overview", undefined, token)).body;
    expect(body.projects.map((p: { slug: string }) => p.slug)).toEqual(["api"]);
  });

  it("runs: newest first, summed over reports, paged by cursor without gaps or repeats", async () => {
    const first = (await t.json("GET", "/api/v1/projects/web/runs?limit=4")).body;
    expect(first.runs.map((r: { run: string }) => r.run)).toEqual(["r10", "r9", "r8", "r7"]);
    expect(first.runs[0]).toMatchObject({
      commit: "c10",
      branch: "main",
      pr: null,
      reports: 1,
      pending: 0,
      tests: 8,
      failed: 1,
      flaky: 0,
    });
    expect(first.runs[3]).toMatchObject({ run: "r7", failed: 1, flaky: 1 });
    const seen = [...first.runs.map((r: { run: string }) => r.run)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await t.json("GET", `/api/v1/projects/web/runs?limit=4&cursor=${cursor}`)).body;
      seen.push(...page.runs.map((r: { run: string }) => r.run));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(["r10", "r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1"]);
    expect((await t.json("GET", "/api/v1/projects/web/runs?cursor=nonsense")).status).toBe(400);
  });

  it("history: one cell per report, newest first, retries visible as attempts", async () => {
    const cells = (await t.json("GET", `/api/v1/projects/web/tests/${await testId("flaps")}/history`)).body.cells;
    expect(cells).toHaveLength(10);
    expect(cells.map((c: { run: string }) => c.run)).toEqual([
      "r10",
      "r9",
      "r8",
      "r7",
      "r6",
      "r5",
      "r4",
      "r3",
      "r2",
      "r1",
    ]);
    expect(cells[3]).toMatchObject({
      run: "r7",
      commit: "c7",
      branch: "main",
      variant: "os=linux",
      outcome: "passed",
      attempts: ["failed", "passed"],
      incident: false,
    });
    expect(cells[0]).toMatchObject({ outcome: "passed", attempts: ["passed"] });
    const broken = (await t.json("GET", `/api/v1/projects/web/tests/${await testId("regresses")}/history?limit=2`)).body
      .cells;
    expect(broken.map((c: { outcome: string; attempts: string[] }) => [c.outcome, c.attempts])).toEqual([
      ["failed", ["failed"]],
      ["failed", ["failed"]],
    ]);
    expect((await t.json("GET", "/api/v1/projects/web/tests/nope/history")).status).toBe(404);
  });

  it("leaderboard: score with interval, failure rate, last failure, variants and owner", async () => {
    const flaky = (await t.json("GET", "/api/v1/projects/web/tests?status=flaky")).body.tests;
    expect(flaky).toHaveLength(1);
    expect(flaky[0]).toMatchObject({
      name: "flaps",
      status: "flaky",
      owner: "ana",
      quarantine: { owner: "ana", mode: expect.any(String) },
    });
    expect(flaky[0].interval[0]).toBeLessThanOrEqual(flaky[0].score);
    expect(flaky[0].failureRate).toBeGreaterThanOrEqual(0);
    expect(flaky[0]).toHaveProperty("lastFailureAt"); // the verdict's: failures a retry did not rescue (none here)
    expect(flaky[0].variants.map((v: { variant: string }) => v.variant)).toEqual(["os=linux"]);
    // Every test by score: pages of scored tests come from the index (status by status); the rest from the scan.
    const full = (await t.json("GET", "/api/v1/projects/web/tests?limit=100")).body.tests as {
      id: string;
      score: number;
    }[];
    const positive = full.filter((x) => x.score > 0);
    expect(positive.length).toBeGreaterThan(0);
    const paged: string[] = [];
    let cursor: string | null = null;
    while (paged.length < full.length) {
      const page: { tests: { id: string }[]; nextCursor: string | null } = (
        await t.json("GET", `/api/v1/projects/web/tests?limit=1${cursor ? `&cursor=${cursor}` : ""}`)
      ).body;
      paged.push(page.tests[0].id);
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(full.map((x) => x.id));
    const broken = (await t.json("GET", "/api/v1/projects/web/tests?status=broken")).body.tests;
    expect(broken.map((x: { name: string; owner: null }) => [x.name, x.owner])).toEqual([["regresses", null]]);
    const detail = (await t.json("GET", `/api/v1/projects/web/tests/${flaky[0].id}`)).body;
    expect(detail.quarantine).toMatchObject({ owner: "ana" });
    // its failure groups come with their sample message and stack
    expect(detail.fingerprints).toEqual([
      expect.objectContaining({
        count: 2,
        message: "assertion failed",
        stack: expect.stringContaining("app.js:1"),
        occurrences: expect.any(Number),
      }),
    ]);
  });

  it("events: the audit trail of the project and of one test", async () => {
    const all = (await t.json("GET", "/api/v1/projects/web/events")).body.events;
    const added = all.find((e: { kind: string }) => e.kind === "quarantine.added");
    expect(added).toMatchObject({ actor: expect.any(String), data: { owner: "ana", reason: "flaky on CI" } });
    expect(typeof added.id).toBe("number");
    const flaps = await testId("flaps");
    const own = (await t.json("GET", `/api/v1/projects/web/events?test=${flaps}`)).body.events;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e: { data: { testId: string } }) => e.data.testId === flaps)).toBe(true);
    expect((await t.json("GET", `/api/v1/projects/web/events?test=${await testId("steady0")}`)).body.events).toEqual(
      [],
    );
  });

  it("about: version, runtime, backend, migrations, shared state", async () => {
    const body = (await t.json("GET", "/api/v1/about")).body;
    expect(body).toMatchObject({ backend, sharedState: "memory", migrations: { pending: 0 } });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.runtime).toMatch(/^(node|deno) /);
    expect(body.migrations.applied).toBe(body.migrations.embedded);
    expect(body.migrations.latest).toMatch(/^\d{4}_/);
  });

  it("stream: an upload arrives as report.processed, and another project's events are filtered out", async () => {
    const res = await t.request("/api/v1/stream?project=web");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = sseReader(res);
    try {
      expect(await events.next()).toEqual({ event: "ready", data: { project: "web" } });
      // Another project's report first: the filter must skip it, so the next event is web's.
      await upload("api", "commit=a2&branch=main&run=a2&job=unit", junit({ one: "p", two: "f" }));
      const reportId = await upload(
        "web",
        "commit=c11&branch=main&run=r11&job=unit",
        junit({ steady0: "p", flaps: "fp" }),
      );
      // Verdicts (when any were rescored) are announced as they are saved, the report once it is fully processed.
      const seen = [await events.next()];
      while (seen.at(-1)!.event !== "report.processed") seen.push(await events.next());
      expect(seen.every((e) => e.data.project === "web")).toBe(true);
      const got = seen.at(-1)!;
      expect(got.data).toMatchObject({ project: "web", reportId, run: "r11", counts: { tests: 2, flaky: 1 } });
      expect(got.data.projectId).toBe((await t.app.store.projects.getProject("web"))!.id);
    } finally {
      await events.close();
    }
  });

  it("stream: quarantine changes arrive, and an unknown project is a 404", async () => {
    const events = sseReader(await t.request("/api/v1/stream"));
    try {
      expect((await events.next()).event).toBe("ready");
      const flaps = await testId("flaps");
      expect((await t.json("DELETE", `/api/v1/projects/web/quarantine/${flaps}`)).status).toBe(200);
      const got = await events.next();
      expect(got).toMatchObject({ event: "quarantine.changed", data: { project: "web", released: [flaps] } });
    } finally {
      await events.close();
    }
    expect((await t.request("/api/v1/stream?project=nope")).status).toBe(404);
    expect((await t.request("/api/v1/stream", { token: null })).status).toBe(401);
  });

  it("stream: an outage arrives as incident.opened, and the overview lists the incident with its project", async () => {
    await t.json("POST", "/api/v1/projects", { slug: "infra" });
    const events = sseReader(await t.request("/api/v1/stream?project=infra"));
    try {
      expect((await events.next()).event).toBe("ready");
      const down = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`t${i}`, "f"]));
      const reportId = await upload("infra", "commit=i1&branch=main&run=i1&job=e2e", junit(down));
      const seen = [await events.next()];
      while (seen.at(-1)!.event !== "report.processed") seen.push(await events.next());
      expect(seen.find((e) => e.event === "incident.opened")?.data).toMatchObject({
        project: "infra",
        reportId,
        run: "i1",
        job: "e2e",
      });
    } finally {
      await events.close();
    }
    const incidents = (await t.json("GET", "/api/v1/overview")).body.incidents;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ project: "infra", run: "i1", failing: 12, total: 12 });
  });

  it("runs: a page summed from the newest reports only is the page summed from every report", async () => {
    const project = (await t.app.store.projects.getProject("web"))!;
    now += HOUR;
    // A late re-run of an old run: its newest report is recent, its start is not.
    await upload("web", "commit=c2&branch=main&run=r2&job=unit&attempt=2", junit({ steady0: "p" }));
    const all = async (windowRows: number) => {
      const out = [];
      let before: { startedAt: number; key: string } | undefined;
      for (;;) {
        const page = await t.app.store.runs.listRuns(project.id, 3, before, windowRows);
        out.push(...page);
        if (page.length < 3) return out;
        before = { startedAt: page[2].startedAt, key: page[2].key };
      }
    };
    const everything = await all(1_000_000);
    expect(everything.find((r) => r.run === "r2")).toMatchObject({ reports: 2 });
    for (const windowRows of [1, 2, 3, 5, 8]) expect(await all(windowRows)).toEqual(everything);
  });
});
