// Detection through the API on every backend: a flaky test, a healthy one, a regression, an outage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const HOUR = 3_600_000;

/** A JUnit report: `cases` maps test name → outcomes of its attempts ("p" pass, "f" fail). */
function junit(cases: Record<string, string>, message = "assertion failed"): string {
  const body = Object.entries(cases)
    .map(([name, attempts]) =>
      [...attempts]
        .map((a) =>
          a === "p"
            ? `<testcase classname="app.Suite" name="${name}" time="0.01"/>`
            : `<testcase classname="app.Suite" name="${name}" time="0.01"><failure message="${message}">at app.js:1</failure></testcase>`,
        )
        .join(""),
    )
    .join("\n");
  return `<testsuite name="app">${body}</testsuite>`;
}

describe.each(BACKENDS)("detection on %s", (backend) => {
  let t: TestApp;
  let now = Date.UTC(2026, 10, 1);
  const upload = async (query: string, xml: string) => {
    now += HOUR;
    const res = await t.request(`/api/v1/projects/web/reports?${query}`, { method: "POST", body: xml });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()).reports[0].id as string;
  };
  const tests = async (query = "") =>
    (await t.json("GET", `/api/v1/projects/web/tests?limit=100${query}`)).body.tests as {
      id: string;
      name: string;
      status: string;
      score: number;
    }[];

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { clock: () => now });
    await t.json("POST", "/api/v1/projects", { slug: "web" });
    const healthy = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`steady${i}`, "p"]));
    for (let i = 1; i <= 10; i++) {
      // "flaps" fails then passes on retry in runs 3 and 7; "regresses" breaks from commit c6 onward.
      const cases = { ...healthy, flaps: i === 3 || i === 7 ? "fp" : "p", regresses: i >= 6 ? "f" : "p" };
      await upload(`commit=c${i}&branch=main&run=r${i}&job=unit`, junit(cases));
    }
    // an outage: most tests fail with one message; the job is re-run and passes
    const down = Object.fromEntries([...Object.keys(healthy), "flaps"].map((n) => [n, "f"]));
    await upload(
      "commit=c11&branch=main&run=r11&job=unit",
      junit({ ...down, regresses: "f" }, "connect ECONNREFUSED 127.0.0.1:5432"),
    );
    await upload(
      "commit=c11&branch=main&run=r11&job=unit&attempt=2",
      junit({ ...healthy, flaps: "p", regresses: "f" }),
    );
  });
  afterAll(() => t?.close());

  it("calls a test that failed then passed on retry flaky, with the evidence in words", async () => {
    const flaky = await tests("&status=flaky");
    expect(flaky.map((x) => x.name)).toEqual(["flaps"]);
    const detail = (await t.json("GET", `/api/v1/projects/web/tests/${flaky[0].id}`)).body;
    expect(detail.verdict.status).toBe("flaky");
    expect(detail.verdict.score).toBeGreaterThan(0.5);
    expect(detail.verdict.evidence.map((e: { text: string }) => e.text).join("\n")).toMatch(
      /retry.*r3|r3.*retry|retry.*r7|r7.*retry/i,
    );
    expect(detail.history.length).toBe(12);
  });

  it("calls a regression broken, not flaky, and the tests caught in the outage healthy", async () => {
    const all = await tests();
    const status = Object.fromEntries(all.map((x) => [x.name, x.status]));
    expect(status.regresses).toBe("broken");
    for (let i = 0; i < 12; i++) expect(status[`steady${i}`]).toBe("healthy");
  });

  it("records the outage as an incident with its cause, and groups failures by fingerprint", async () => {
    const incidents = (await t.json("GET", "/api/v1/projects/web/incidents")).body.incidents;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ run: "r11", job: "unit", commit: "c11" });
    expect(incidents[0].cause).toMatch(/^[0-9a-f]+$/);
    const failures = (await t.json("GET", "/api/v1/projects/web/failures")).body.failures;
    const outage = failures.find((f: { fingerprint: string }) => f.fingerprint === incidents[0].cause);
    expect(outage.message).toContain("ECONNREFUSED");
    expect(outage.tests).toBeGreaterThanOrEqual(12);
    expect(outage.testIds).toHaveLength(Math.min(outage.tests, 20));
    expect(outage.occurrences).toBeGreaterThanOrEqual(outage.tests);
  });

  it("classifies each failure of a run", async () => {
    const outage = (await t.json("GET", "/api/v1/projects/web/runs/r11/verdict")).body;
    expect(outage.reports).toHaveLength(2);
    const classes = new Set(
      outage.failures
        .filter((f: { reportId: string }) => f.reportId === outage.reports[0].id)
        .map((f: { class: string }) => f.class),
    );
    expect([...classes]).toEqual(["incident"]);
    const retried = (await t.json("GET", "/api/v1/projects/web/runs/r7/verdict")).body;
    expect(retried.failures.map((f: { name: string; class: string }) => [f.name, f.class])).toEqual(
      expect.arrayContaining([
        ["flaps", "known-flaky"],
        ["regresses", "new-failure"],
      ]),
    );
    expect(retried.blocking).toBe(1);
    expect((await t.json("GET", "/api/v1/projects/web/runs/nope/verdict")).status).toBe(404);
  });

  it("pages, filters and searches the test list", async () => {
    const first = (await t.json("GET", "/api/v1/projects/web/tests?limit=5&sort=score")).body;
    expect(first.tests).toHaveLength(5);
    expect(first.tests[0].name).toBe("flaps");
    const second = (await t.json("GET", `/api/v1/projects/web/tests?limit=100&sort=score&cursor=${first.nextCursor}`))
      .body;
    expect(second.tests).toHaveLength(9);
    expect(new Set([...first.tests, ...second.tests].map((x: { id: string }) => x.id)).size).toBe(14);
    expect(second.nextCursor).toBeNull();
    expect((await tests("&q=STEADY1")).map((x) => x.name).sort()).toEqual(["steady1", "steady10", "steady11"]);
    expect((await t.json("GET", "/api/v1/projects/web/tests?cursor=garbage")).status).toBe(400);
    expect((await t.json("GET", "/api/v1/projects/web/tests?status=wobbly")).status).toBe(400);
  });
});
