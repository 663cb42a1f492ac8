// Co-failure clusters through the API on every backend: a history where five tests in five suites fail together
// (a flaky sandbox) next to independent flaky tests gives one cluster, named on its members' pages, told once
// to the integrations, and quarantined and released as one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { clusterHistory, LONERS, MEMBERS } from "../helpers/cluster-history.ts";
import { startFakeWebhook, type FakeWebhook } from "../helpers/fake-webhook.ts";

const HOUR = 3_600_000;
const SETTLE_MS = 60_000;

describe.each(BACKENDS)("co-failure clusters on %s", (backend) => {
  let t: TestApp;
  let hook: FakeWebhook;
  let now = Date.UTC(2026, 10, 2, 6);
  const ids = new Map<string, string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let cluster: any;

  beforeAll(async () => {
    hook = await startFakeWebhook();
    // With the worker: an upload scores in its request only the tests whose status may move; the rescore job
    // after it scores the rest, and recomputes the clusters.
    t = await startTestApp(backend, { notifyAllowPrivate: true }, { worker: true, clock: () => now }); // the webhook is a local fake
    await t.json("POST", "/api/v1/projects", { slug: "web", name: "Web" });
    const integration = await t.json("POST", "/api/v1/projects/web/integrations", {
      kind: "webhook",
      config: { url: hook.url, secret: "whsec-cluster-test-0123456789" },
      events: ["cluster.found", "test.flaky"],
    });
    expect(integration.status, JSON.stringify(integration.body)).toBe(201);
    // People decide here: automation would quarantine each flaky test on its own.
    const policy = await t.json("PUT", "/api/v1/projects/web/policy", { autoQuarantine: false });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    for (const [n, body] of clusterHistory(80).entries()) {
      now += HOUR;
      const res = await t.request(`/api/v1/projects/web/reports?commit=c${n}&branch=main&run=r${n}&job=unit`, {
        method: "POST",
        body,
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    await settled(t);
    const tests = (await t.json("GET", "/api/v1/projects/web/tests?limit=100")).body.tests as {
      id: string;
      suite: string;
    }[];
    for (const test of tests) ids.set(test.suite, test.id);
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
  });

  it("finds the tests that fail together, and only them", async () => {
    const { status, body } = await t.json("GET", "/api/v1/projects/web/clusters");
    expect(status).toBe(200);
    expect(body.clusters).toHaveLength(1);
    [cluster] = body.clusters;
    expect(cluster.tests.map((m: { suite: string }) => m.suite).sort()).toEqual([...MEMBERS].sort());
    expect(cluster.tests[0]).toMatchObject({
      id: expect.any(String),
      name: "works",
      status: "flaky",
      quarantined: false,
    });
    expect(cluster.coFailures).toBeGreaterThanOrEqual(5);
    expect(cluster.failures).toBe(cluster.coFailures);
    expect(cluster.evidence.text).toMatch(
      /^5 tests in 5 suites failed together in \d+ of the \d+ reports where any of them failed, all with `read ECONNRESET from payments-sandbox:\d+`/,
    );
    expect(cluster.evidence.fingerprints[0]).toMatchObject({ reports: cluster.coFailures });
    const one = await t.json("GET", `/api/v1/projects/web/clusters/${cluster.id}`);
    expect(one.body).toEqual(cluster);
    expect((await t.json("GET", "/api/v1/projects/web/clusters/nope")).status).toBe(404);
  });

  it("names the cluster on a member's page, and none on an independent flaky test's", async () => {
    const member = await t.json("GET", `/api/v1/projects/web/tests/${ids.get(MEMBERS[0])}`);
    expect(member.body.cluster).toEqual({ id: cluster.id, size: 5, text: cluster.evidence.text });
    const loner = await t.json("GET", `/api/v1/projects/web/tests/${ids.get(LONERS[0])}`);
    expect(loner.body.verdict.status).toBe("flaky");
    expect(loner.body.cluster).toBeNull();
  });

  it("tells the integrations once about the cluster, not once per member", async () => {
    const deadline = Date.now() + SETTLE_MS;
    const received = (type: string) => hook.received.filter((r) => r.headers["x-flakeguard-event"] === type);
    while (received("test.flaky").length < MEMBERS.length + LONERS.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const found = received("cluster.found");
    expect(found).toHaveLength(1);
    const body = JSON.parse(found[0].body);
    // Told when first found, with what it rested on then.
    expect(body.cluster).toMatchObject({ id: cluster.id, size: 5 });
    expect(body.cluster.text).toMatch(/^5 tests in 5 suites failed together in [3-9] of the /);
    expect(body.cluster.tests.map((m: { suite: string }) => m.suite).sort()).toEqual([...MEMBERS].sort());
    expect(received("test.flaky").length).toBeGreaterThanOrEqual(MEMBERS.length + LONERS.length);
  });

  it("quarantines and releases every member at once, with one reason and owner", async () => {
    const path = `/api/v1/projects/web/clusters/${cluster.id}`;
    expect((await t.json("POST", `${path}/quarantine`, { owner: "payments-team" })).status).toBe(400);
    const upload = (await t.json("POST", "/api/v1/projects/web/tokens", {})).body.token;
    expect((await t.json("POST", `${path}/quarantine`, { reason: "x" }, upload)).status).toBe(403);
    expect((await t.json("POST", "/api/v1/projects/web/clusters/nope/quarantine", { reason: "x" })).status).toBe(404);
    const done = await t.json("POST", `${path}/quarantine`, {
      reason: "payments sandbox resets",
      owner: "payments-team",
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.changed.sort()).toEqual(cluster.tests.map((m: { id: string }) => m.id).sort());
    const list = (await t.json("GET", "/api/v1/projects/web/quarantine")).body.tests as {
      suite: string;
      reason: string;
      owner: string;
    }[];
    expect(list.map((q) => q.suite).sort()).toEqual([...MEMBERS].sort());
    expect(new Set(list.map((q) => `${q.reason}/${q.owner}`))).toEqual(
      new Set(["payments sandbox resets/payments-team"]),
    );
    expect((await t.json("POST", `${path}/quarantine`, { reason: "again" })).status).toBe(409);
    const released = await t.json("POST", `${path}/release`, { reason: "sandbox fixed" });
    expect(released.status).toBe(200);
    expect(released.body.changed).toHaveLength(5);
    expect((await t.json("GET", "/api/v1/projects/web/quarantine")).body.tests).toEqual([]);
    expect((await t.json("POST", `${path}/release`, { reason: "again" })).status).toBe(409);
  });

  it("documents the routes in the OpenAPI document", async () => {
    const doc = (await t.json("GET", "/api/v1/openapi.json", undefined, null)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/projects/{project}/clusters",
        "/api/v1/projects/{project}/clusters/{id}",
        "/api/v1/projects/{project}/clusters/{id}/quarantine",
        "/api/v1/projects/{project}/clusters/{id}/release",
      ]),
    );
  });
});

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
