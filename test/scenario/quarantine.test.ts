// The quarantine lifecycle through the API on every backend, with a controlled clock: automatic
// quarantine up to the cap, broken tests never, the runner endpoints, a person's release and veto,
// expiry, and release on evidence once a fixed test keeps passing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescoreTests } from "../../src/act/rescore.ts";
import { releaseExpired } from "../../src/act/quarantine-expiry.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A JUnit report: `cases` maps test name → outcomes of its attempts ("p" pass, "f" fail). */
function junit(cases: Record<string, string>): string {
  const body = Object.entries(cases)
    .map(([name, attempts]) =>
      [...attempts]
        .map((a) =>
          a === "p"
            ? `<testcase classname="app.Suite" name="${name}" time="0.01"/>`
            : `<testcase classname="app.Suite" name="${name}" time="0.01"><failure message="boom">at app.js:1</failure></testcase>`,
        )
        .join(""),
    )
    .join("\n");
  return `<testsuite name="app">${body}</testsuite>`;
}

interface Entry {
  testId: string;
  suite: string;
  name: string;
  mode: string;
  reason: string;
  decidedBy: string;
  expiresAt: string;
}

describe.each(BACKENDS)("quarantine on %s", (backend) => {
  let t: TestApp;
  let upload: string;
  let now = Date.UTC(2026, 10, 1);
  let run = 0;
  const steady = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`steady${i}`, "p"]));
  const send = async (cases: Record<string, string>) => {
    now += HOUR;
    run++;
    const res = await t.request(`/api/v1/projects/web/reports?commit=c${run}&branch=main&run=r${run}&job=unit`, {
      method: "POST",
      body: junit({ ...steady, regresses: run >= 5 ? "f" : "p", ...cases }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  };
  const list = async (token?: string) =>
    (await t.json("GET", "/api/v1/projects/web/quarantine", undefined, token)).body.tests as Entry[];
  const names = async () => (await list()).map((e) => e.name).sort();
  const idOf = async (name: string) =>
    (
      (await t.json("GET", `/api/v1/projects/web/tests?limit=100&q=${name}`)).body.tests as {
        id: string;
        name: string;
      }[]
    ).find((x) => x.name === name)!.id;
  const events = async () => t.app.store.events.listEvents((await t.app.store.projects.getProject("web"))!.id, 500);
  const rescoreAll = async () => {
    const project = (await t.app.store.projects.getProject("web"))!;
    await rescoreTests(t.app.store, project, await t.app.store.tests.listTestIds(project.id), now); // what the hourly job does
  };

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { clock: () => now });
    await t.json("POST", "/api/v1/projects", { slug: "web" });
    upload = (await t.json("POST", "/api/v1/projects/web/tokens", {})).body.token;
    const put = await t.json("PUT", "/api/v1/projects/web/policy", {
      cap: 1,
      flaky_threshold: 0.5,
      min_occurrences: 5,
      min_recent_failures: 2,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    // flapsA and flapsB fail then pass on retry once and fail outright once, on separate commits;
    // "regresses" breaks from run 5 on.
    for (let i = 1; i <= 8; i++) {
      await send({ flapsA: i === 3 ? "fp" : i === 7 ? "f" : "p", flapsB: i === 4 ? "fp" : i === 7 ? "f" : "p" });
    }
  });
  afterAll(() => t?.close());

  it("quarantines a flaky test automatically, no more than the cap", async () => {
    const tests = await list();
    expect(tests).toHaveLength(1);
    expect(["flapsA", "flapsB"]).toContain(tests[0].name);
    expect(tests[0]).toMatchObject({
      suite: "app.Suite",
      mode: "mute",
      decidedBy: "policy",
      reason: expect.stringMatching(/flaky \(score/),
    });
    expect(Date.parse(tests[0].expiresAt) - now).toBeGreaterThan(29 * DAY);
    const added = (await events()).filter((e) => e.kind === "quarantine.added");
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actor: "policy", data: { testId: tests[0].testId, automatic: true } });
  });

  it("never quarantines a broken test", async () => {
    const broken = (await t.json("GET", "/api/v1/projects/web/tests?status=broken")).body.tests as { name: string }[];
    expect(broken.map((x) => x.name)).toEqual(["regresses"]);
    const check = await t.json("POST", "/api/v1/projects/web/quarantine/check", { tests: ["app.Suite::regresses"] });
    expect(check.body).toEqual({ quarantined: [], notQuarantined: ["app.Suite::regresses"] });
  });

  it("quarantines the second flaky test once the cap is raised and it fails again", async () => {
    const other = (await list())[0].name === "flapsA" ? "flapsB" : "flapsA";
    expect(
      (
        await t.json("PUT", "/api/v1/projects/web/policy", {
          cap: 10,
          flaky_threshold: 0.5,
          min_occurrences: 5,
          min_recent_failures: 2,
        })
      ).status,
    ).toBe(200);
    await send({ [other]: "f", flapsA: other === "flapsA" ? "f" : "p", flapsB: other === "flapsB" ? "f" : "p" });
    expect(await names()).toEqual(["flapsA", "flapsB"]);
  });

  it("serves the list as text and JSON with an ETag, 304 when unchanged", async () => {
    const res = await t.request("/api/v1/projects/web/quarantine?format=text");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect((await res.text()).split("\n").sort()).toEqual(["", "app.Suite::flapsA", "app.Suite::flapsB"]);
    const etag = res.headers.get("etag")!;
    expect(
      (await t.request("/api/v1/projects/web/quarantine?format=text", { headers: { "if-none-match": etag } })).status,
    ).toBe(304);
    const json = await t.request("/api/v1/projects/web/quarantine");
    const jsonTag = json.headers.get("etag")!;
    expect(jsonTag).not.toBe(etag);
    const again = await t.request("/api/v1/projects/web/quarantine", { headers: { "if-none-match": jsonTag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("checks tests by id and by suite::name", async () => {
    const a = await idOf("flapsA");
    const body = (
      await t.json("POST", "/api/v1/projects/web/quarantine/check", {
        tests: [a, "app.Suite::flapsB", "app.Suite::steady0", "nope"],
      })
    ).body;
    expect(
      body.quarantined.map((q: { test: string; testId: string; mode: string }) => [
        q.test,
        q.testId === a || q.test === "app.Suite::flapsB",
        q.mode,
      ]),
    ).toEqual([
      [a, true, "mute"],
      ["app.Suite::flapsB", true, "mute"],
    ]);
    expect(body.notQuarantined).toEqual(["app.Suite::steady0", "nope"]);
    expect((await t.json("POST", "/api/v1/projects/web/quarantine/check", { tests: "x" })).status).toBe(400);
  });

  it("lets upload tokens read and check, not change", async () => {
    expect(await list(upload)).toHaveLength(2);
    const listed = (await t.json("GET", "/api/v1/projects/web/tests?status=quarantined", undefined, upload)).body
      .tests as { name: string }[];
    expect(listed.map((x) => x.name).sort()).toEqual(["flapsA", "flapsB"]);
    expect(
      (await t.json("POST", "/api/v1/projects/web/quarantine/check", { tests: ["app.Suite::flapsA"] }, upload)).body
        .quarantined,
    ).toHaveLength(1);
    const s0 = await idOf("steady0");
    expect(
      (await t.json("POST", "/api/v1/projects/web/quarantine", { testId: s0, reason: "x", owner: "me" }, upload))
        .status,
    ).toBe(403);
    expect(
      (await t.json("DELETE", `/api/v1/projects/web/quarantine/${await idOf("flapsA")}`, undefined, upload)).status,
    ).toBe(403);
    expect((await t.json("PUT", "/api/v1/projects/web/policy", { cap: 1 }, upload)).status).toBe(403);
  });

  it("quarantines by hand: 201, then 409; 404 for an unknown test, 400 for a bad body", async () => {
    const s0 = await idOf("steady0");
    const add = await t.json("POST", "/api/v1/projects/web/quarantine", {
      testId: s0,
      reason: "hangs on CI",
      owner: "ana",
      mode: "skip",
      expiresAt: new Date(now + 7 * DAY).toISOString(),
    });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    expect(add.body).toMatchObject({
      testId: s0,
      name: "steady0",
      mode: "skip",
      reason: "hangs on CI",
      owner: "ana",
      expiresAt: new Date(now + 7 * DAY).toISOString(),
    });
    expect(add.body.decidedBy).toMatch(/^token:/);
    expect(
      (await t.json("POST", "/api/v1/projects/web/quarantine", { testId: s0, reason: "again", owner: "ana" })).status,
    ).toBe(409);
    expect(
      (await t.json("POST", "/api/v1/projects/web/quarantine", { testId: "nope", reason: "x", owner: "ana" })).status,
    ).toBe(404);
    expect((await t.json("POST", "/api/v1/projects/web/quarantine", { testId: s0, owner: "ana" })).status).toBe(400);
    expect(
      (
        await t.json("POST", "/api/v1/projects/web/quarantine", {
          testId: s0,
          reason: "x",
          expiresAt: new Date(now - DAY).toISOString(),
        })
      ).status,
    ).toBe(400);
    const del = await t.json("DELETE", `/api/v1/projects/web/quarantine/${s0}?reason=fixed`);
    expect(del.status).toBe(200);
    expect((await t.json("DELETE", `/api/v1/projects/web/quarantine/${s0}`)).status).toBe(409);
    expect((await t.json("DELETE", "/api/v1/projects/web/quarantine/nope")).status).toBe(404);
  });

  it("remembers a person's release: automation keeps off the test until a person quarantines it again", async () => {
    const b = await idOf("flapsB");
    const del = await t.json("DELETE", `/api/v1/projects/web/quarantine/${b}?reason=investigating`);
    expect(del.body.vetoUntil).toBe(new Date(now + 30 * DAY).toISOString());
    await send({ flapsB: "f" }); // flaky evidence again: rescored, policy applied
    expect(await names()).toEqual(["flapsA"]);
    const released = (await events()).find((e) => e.kind === "quarantine.released" && e.data.testId === b);
    expect(released).toMatchObject({
      actor: expect.stringMatching(/^token:/),
      data: { reason: "investigating", automatic: false },
    });
    expect(
      (await t.json("POST", "/api/v1/projects/web/quarantine", { testId: b, reason: "person says so", owner: "bo" }))
        .status,
    ).toBe(201);
    expect(await names()).toEqual(["flapsA", "flapsB"]);
  });

  it("releases expired quarantines (the release job) and re-evaluates them", async () => {
    now += 31 * DAY;
    expect(await releaseExpired(t.app.store, now)).toBe(2);
    expect(await list()).toEqual([]); // old evidence: outside the lookback, so not quarantined again
    const expired = (await events()).filter((e) => e.kind === "quarantine.released" && e.data.why === "expiry");
    expect(expired).toHaveLength(2);
    expect(expired[0].actor).toBe("policy");
  });

  it("releases a fixed test once its failure rate's upper bound is below the policy's rate", async () => {
    for (const c of ["p", "fp", "p", "p", "f"]) await send({ fixme: c });
    expect(await names()).toEqual(["fixme"]);
    for (let i = 0; i < 20; i++) await send({ fixme: "p" });
    await rescoreAll();
    expect(await names()).toEqual(["fixme"]); // 20 passes: the rate could still be up to 16 %
    for (let i = 0; i < 20; i++) await send({ fixme: "p" });
    // released on the upload that convinced the rule (a quarantined test's passes are rescored), not later
    expect(await list()).toEqual([]);
    const release = (await events()).find((e) => e.kind === "quarantine.released" && e.data.why === "evidence");
    expect(release?.data.reason).toMatch(/0 failures in 35 runs since quarantine/);
    // its verdict may still say flaky on old evidence: a full rescore must not put it back without a new failure
    await rescoreAll();
    expect(await list()).toEqual([]);
  });

  it("previews a policy without saving it, and names unknown keys", async () => {
    const preview = await t.json("POST", "/api/v1/projects/web/policy/preview", {
      policy: { threshold: 0.5, minFailures: 2 },
      days: 40,
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.wouldQuarantine.map((h: { name: string }) => h.name).sort()).toEqual([
      "fixme",
      "flapsA",
      "flapsB",
    ]);
    expect((await t.json("GET", "/api/v1/projects/web/policy")).body.policy.cap).toBe(10);
    const bad = await t.json("PUT", "/api/v1/projects/web/policy", { cap: 2, colour: "red" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("colour");
  });
});
