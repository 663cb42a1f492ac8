// Notifications end to end on every backend, against a local Slack (real API routes, status codes,
// Retry-After) and a webhook receiver, with a controlled clock: a test turning flaky sends one grouped
// Slack message and one signed webhook; a rescore sends nothing again; 429 then success delivers once;
// an hour of 5xx is retried with backoff then failed while uploads keep going; the daily digest; the
// deliveries view; the metrics counter.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescoreTests } from "../../src/act/rescore.ts";
import { digestProjects } from "../../src/jobs/digest.ts";
import { fireTick, SCHEDULES, type ScheduleOptions } from "../../src/jobs/schedules.ts";
import { createLogger } from "../../src/lib/log.ts";
import { emitEvents } from "../../src/notify/emit.ts";
import type { NotificationEvent } from "../../src/notify/events.ts";
import { verifySignature } from "../../src/notify/signature.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { startFakeWebhook, type FakeWebhook } from "../helpers/fake-webhook.ts";

const SECOND = 1000;
const HOUR = 3_600_000;
const SECRET = "whsec-test-secret-0123456789";

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

interface Delivery {
  id: string;
  integrationId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  test: { name: string } | null;
}

describe.each(BACKENDS)("notifications on %s", (backend) => {
  let t: TestApp;
  let slack: FakeSlack;
  let hook: FakeWebhook;
  let now = Date.UTC(2026, 10, 2, 6);
  let run = 0;
  const ids: Record<string, string> = {};
  const steady = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`steady${i}`, "p"]));
  const send = async (cases: Record<string, string>) => {
    now += HOUR;
    run++;
    const started = performance.now();
    const res = await t.request(`/api/v1/projects/web/reports?commit=c${run}&branch=main&run=r${run}&job=unit`, {
      method: "POST",
      body: junit({ ...steady, ...cases }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await res.json()).status ?? "processed").toBe("processed");
    return performance.now() - started;
  };
  const deliveries = async (query = "") =>
    (await t.json("GET", `/api/v1/projects/web/deliveries?limit=500${query}`)).body as {
      deliveries: Delivery[];
      counts: Record<string, number>;
    };
  const metric = async (channel: string, outcome: string) => {
    const text = await (await t.request("/metrics", { token: null })).text();
    const m = text.match(
      new RegExp(`^flakeguard_notifications_total\\{channel="${channel}",outcome="${outcome}"\\} (\\d+)`, "m"),
    );
    return m ? Number(m[1]) : 0;
  };
  const slackTexts = () => slack.messages.map((m) => JSON.stringify(m.blocks));
  const webhooks = (type: string) => hook.received.filter((r) => r.headers["x-flakeguard-event"] === type);

  beforeAll(async () => {
    [slack, hook] = await Promise.all([startFakeSlack(), startFakeWebhook()]);
    t = await startTestApp(
      backend,
      { publicUrl: "https://flakeguard.example", notifyTimeoutMs: 2000, notifyAllowPrivate: true },
      { clock: () => now },
    );
    await t.json("POST", "/api/v1/projects", { slug: "web", name: "Web" });
    const put = await t.json("PUT", "/api/v1/projects/web/policy", {
      cap: 10,
      flaky_threshold: 0.5,
      min_occurrences: 5,
      min_recent_failures: 2,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const s = await t.json("POST", "/api/v1/projects/web/integrations", {
      kind: "slack",
      name: "#flaky",
      config: { webhookUrl: slack.webhookUrl },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    ids.slack = s.body.id;
    now += SECOND;
    const w = await t.json("POST", "/api/v1/projects/web/integrations", {
      kind: "webhook",
      config: { url: hook.url, secret: SECRET },
      events: ["test.flaky", "test.quarantined"],
    });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    ids.webhook = w.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([slack?.close(), hook?.close()]);
  });

  it("manages integrations with secrets masked, admin only", async () => {
    const list = (await t.json("GET", "/api/v1/projects/web/integrations")).body.integrations as {
      id: string;
      kind: string;
      config: Record<string, string>;
      events: string[];
    }[];
    expect(list.map((i) => i.kind)).toEqual(["slack", "webhook"]);
    expect(list[0].config.webhookUrl).toMatch(/^\*\*\*\*.{4}$/);
    expect(list[0].events).toEqual([
      "test.flaky",
      "test.broken",
      "test.quarantined",
      "test.released",
      "cluster.found",
      "digest",
    ]);
    expect(list[1].config).toEqual({ url: hook.url, secret: "****6789" });
    const patched = await t.json("PATCH", `/api/v1/projects/web/integrations/${ids.webhook}`, {
      config: { url: hook.url, secret: "****6789" },
    });
    expect(patched.status).toBe(200);
    expect(
      (
        await t.app.store.integrations.getIntegration(
          patched.body.id ? (await t.app.store.projects.getProject("web"))!.id : "",
          ids.webhook,
        )
      )?.config.secret,
    ).toBe(SECRET);
    const bad = await t.json("POST", "/api/v1/projects/web/integrations", {
      kind: "webhook",
      config: { url: "ftp://x" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("config.url");
    expect(
      (await t.json("POST", "/api/v1/projects/web/integrations", { kind: "pager", config: {} })).body.error.message,
    ).toContain("unknown integration kind 'pager'");
    expect(
      (
        await t.json("POST", "/api/v1/projects/web/integrations", {
          kind: "slack",
          config: { webhookUrl: slack.webhookUrl },
          events: ["test.exploded"],
        })
      ).status,
    ).toBe(400);
    const upload = (await t.json("POST", "/api/v1/projects/web/tokens", {})).body.token;
    expect((await t.json("GET", "/api/v1/projects/web/integrations", undefined, upload)).status).toBe(403);
    expect((await t.json("GET", "/api/v1/projects/web/deliveries", undefined, upload)).status).toBe(403);
  });

  it("a test turning flaky: one grouped Slack message and one signed webhook", async () => {
    for (let i = 1; i <= 8; i++) {
      await send({ flapsA: i === 3 ? "fp" : i === 7 ? "f" : "p" });
      await t.app.runJobsOnce();
    }
    const flakyHooks = webhooks("test.flaky");
    expect(flakyHooks).toHaveLength(1);
    const { headers, body } = flakyHooks[0];
    const signature = String(headers["x-flakeguard-signature"]);
    const signedAt = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(signature)![1]) * SECOND;
    expect(verifySignature(SECRET, body, signature, signedAt + 10 * SECOND)).toBe(true);
    expect(verifySignature("another-secret-0123456789", body, signature, signedAt)).toBe(false);
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({
      id: headers["x-flakeguard-delivery"],
      type: "test.flaky",
      project: { slug: "web", name: "Web", url: "https://flakeguard.example/projects/web" },
      test: {
        suite: "app.Suite",
        name: "flapsA",
        url: expect.stringMatching(/^https:\/\/flakeguard\.example\/projects\/web\/tests\//),
      },
      verdict: { to: "flaky" },
    });
    const flakyMessages = slackTexts().filter((m) => m.includes("became flaky"));
    expect(flakyMessages).toHaveLength(1);
    expect(flakyMessages[0]).toContain("app.Suite › flapsA");
    expect(flakyMessages[0]).toContain("https://flakeguard.example/projects/web/tests/");
    // the policy quarantined it a few runs later (its second failure): one more message, one more webhook
    const quarantined = slackTexts().filter((m) => m.includes("1 test quarantined"));
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toContain("automatically, until");
    expect(webhooks("test.quarantined")).toHaveLength(1);
    expect(slack.messages.every((m) => (m.blocks?.length ?? 0) <= 50)).toBe(true);
  });

  it("a rescore recomputing the same change notifies no one again", async () => {
    const before = { slack: slack.messages.length, hooks: hook.received.length };
    const project = (await t.app.store.projects.getProject("web"))!;
    await rescoreTests(t.app.store, project, await t.app.store.tests.listTestIds(project.id), now);
    now += 10 * SECOND;
    await t.app.runJobsOnce();
    // the same event computed again (two replicas racing) is refused by its key
    const sent = (await deliveries("&status=sent")).deliveries.find((d) => d.eventType === "test.flaky")!;
    const row = (await t.app.store.outbox.getDelivery(project.id, sent.id))!;
    expect(await emitEvents(t.app.store, [row.payload as unknown as NotificationEvent], now)).toBe(0);
    await t.app.runJobsOnce();
    expect({ slack: slack.messages.length, hooks: hook.received.length }).toEqual(before);
  });

  it("a change and its notifications commit together: a failing outbox write undoes the change", async () => {
    const project = (await t.app.store.projects.getProject("web"))!;
    const s1 = ((await t.json("GET", "/api/v1/projects/web/tests?q=steady1")).body.tests as { id: string }[])[0].id;
    const entry = {
      projectId: project.id,
      testId: s1,
      mode: "mute" as const,
      reason: "x",
      owner: null,
      decidedBy: "test",
      expiresAt: null,
    };
    const event = { projectId: project.id, kind: "quarantine.added", actor: "test", data: {} };
    await expect(
      t.app.store.quarantine.quarantine(entry, event, now, async () => {
        throw new Error("outbox down");
      }),
    ).rejects.toThrow("outbox down");
    expect((await t.app.store.quarantine.activeFor([s1])).size).toBe(0);
    expect(
      (await t.app.store.events.listEvents(project.id, 500)).some(
        (e) => e.kind === "quarantine.added" && e.actor === "test",
      ),
    ).toBe(false);
  });

  it("429 with Retry-After, then success: delivered exactly once, after the wait", async () => {
    const bot = await t.json("POST", "/api/v1/projects/web/integrations", {
      kind: "slack",
      name: "bot",
      config: { token: slack.token, channel: "#ci", apiUrl: slack.apiUrl },
    });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    now += 10 * SECOND;
    slack.script({ status: 429, retryAfter: 3 });
    const queued = await t.json("POST", `/api/v1/projects/web/integrations/${bot.body.id}/test`);
    expect(queued.status).toBe(202);
    const id = queued.body.delivery.id;
    const requests = slack.requests;
    await t.app.runJobsOnce();
    let d = (await deliveries()).deliveries.find((x) => x.id === id)!;
    expect(d).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: 429,
      nextAttemptAt: new Date(now + 3 * SECOND).toISOString(),
    });
    now += 2 * SECOND;
    await t.app.runJobsOnce();
    expect(slack.requests).toBe(requests + 1); // Retry-After honoured: nothing before it passed
    now += SECOND;
    await t.app.runJobsOnce();
    d = (await deliveries()).deliveries.find((x) => x.id === id)!;
    expect(d).toMatchObject({ status: "sent", attempts: 2, lastStatus: 200 });
    const onBot = slack.messages.filter((m) => m.via === "api");
    expect(onBot).toHaveLength(1);
    expect(onBot[0]).toMatchObject({ channel: "#ci", text: "FlakeGuard · Web: Test message" });
    // pacing: a second message to the same channel waits until a second after the first
    await t.json("POST", `/api/v1/projects/web/integrations/${bot.body.id}/test`);
    await t.app.runJobsOnce();
    expect(slack.messages.filter((m) => m.via === "api")).toHaveLength(1);
    now += SECOND;
    await t.app.runJobsOnce();
    expect(slack.messages.filter((m) => m.via === "api")).toHaveLength(2);
  });

  it("5xx for an hour: retried with backoff, then failed; uploads meanwhile answer 201 at once and are processed", async () => {
    hook.outage(503);
    const start = now;
    const queued = await t.json("POST", `/api/v1/projects/web/integrations/${ids.webhook}/test`);
    const id = queued.body.delivery.id;
    const retriedBefore = await metric("webhook", "retried");
    const gaps: number[] = [];
    let d: Delivery | undefined;
    let uploadMs = 0;
    for (let round = 0; round < 40; round++) {
      await t.app.runJobsOnce();
      d = (await deliveries()).deliveries.find((x) => x.id === id)!;
      if (d.status !== "pending") break;
      const next = Date.parse(d.nextAttemptAt!);
      gaps.push(next - now);
      now = next;
      uploadMs = Math.max(uploadMs, await send({ steady0: "p" }));
      now -= HOUR; // send() moved the clock an hour: the outage goes on at the pace of the retries
    }
    expect(d).toMatchObject({ status: "failed", lastStatus: 503 });
    expect(d!.lastError).toContain("HTTP 503");
    expect(now - start).toBeGreaterThanOrEqual(HOUR);
    expect(d!.attempts).toBeGreaterThan(8);
    expect(gaps[1]).toBeGreaterThan(gaps[0]); // backing off
    expect(Math.max(...gaps)).toBeLessThanOrEqual(12 * 60 * SECOND);
    expect(hook.received.filter((r) => r.headers["x-flakeguard-delivery"] === id)).toHaveLength(0);
    expect(await metric("webhook", "retried")).toBe(retriedBefore + d!.attempts - 1);
    expect(await metric("webhook", "failed")).toBe(1);
    // every upload during the outage was stored and scored (201 "processed"), and none waited on delivery
    expect(uploadMs).toBeLessThan(5000);
    const counts = (await t.json("GET", "/api/v1/projects/web")).body.counts;
    expect(counts).toMatchObject({ reports: 8 + gaps.length, pendingReports: 0 });
    hook.outage(null);
  });

  it("sends the daily digest once a day, from its schedule", async () => {
    const project = (await t.app.store.projects.getProject("web"))!;
    expect(await digestProjects(t.app.store)).toEqual([project.id]);
    const digest = SCHEDULES.find((x) => x.name === "digest")!;
    const o: ScheduleOptions = {
      store: t.app.store,
      clock: () => now,
      log: createLogger("silent"),
      rescore: "0 * * * *",
      digest: "0 9 * * *",
      wake: () => undefined,
      schedulerId: "test",
    };
    expect(digest.cron(o)).toBe("0 9 * * *");
    now += HOUR;
    const before = slack.messages.length;
    // the 09:00 tick, fired twice (two replicas), then a second tick the same day: one digest per integration
    for (const tickAt of [now, now, now + 60_000]) {
      await fireTick(o, digest, tickAt);
      await t.app.runJobsOnce();
      now += 5 * SECOND;
      await t.app.runJobsOnce();
    }
    const digests = slack.messages.slice(before).filter((m) => JSON.stringify(m.blocks).includes("Daily digest"));
    expect(digests.map((m) => m.via).sort()).toEqual(["api", "webhook"]); // one to each Slack integration
    const text = JSON.stringify(digests[0].blocks);
    expect(text).toContain("*Flaky*\\n");
    expect(text).toContain("*Quarantined*\\n1");
    expect(text).toContain("https://flakeguard.example/projects/web");
  });

  it("a timeout is retried; a configuration error (channel_not_found) fails at once; a lost delivery job is replaced by the minute schedule", async () => {
    now += HOUR;
    hook.delay(3000); // longer than notifyTimeoutMs (2 s): the request is aborted
    const slow = (await t.json("POST", `/api/v1/projects/web/integrations/${ids.webhook}/test`)).body.delivery.id;
    await t.app.runJobsOnce();
    let d = (await deliveries()).deliveries.find((x) => x.id === slow)!;
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatus: null, lastError: "timed out after 2000 ms" });
    hook.delay(0);
    now = Date.parse(d.nextAttemptAt!);
    await t.app.runJobsOnce();
    d = (await deliveries()).deliveries.find((x) => x.id === slow)!;
    expect(d).toMatchObject({ status: "sent", attempts: 2 });

    const wrong = await t.json("POST", "/api/v1/projects/web/integrations", {
      kind: "slack",
      name: "wrong",
      config: { token: slack.token, channel: "#nope", apiUrl: slack.apiUrl },
      events: [],
    });
    const failing = (await t.json("POST", `/api/v1/projects/web/integrations/${wrong.body.id}/test`)).body.delivery.id;
    await t.app.runJobsOnce();
    d = (await deliveries()).deliveries.find((x) => x.id === failing)!;
    expect(d).toMatchObject({
      status: "failed",
      attempts: 1,
      lastStatus: 200,
      lastError: "chat.postMessage: channel_not_found",
    });

    const lost = (await t.json("POST", `/api/v1/projects/web/integrations/${ids.webhook}/test`)).body.delivery.id;
    await t.app.store.db.rows(sql`delete from jobs where kind = 'deliver-notifications' returning id`);
    expect(await t.app.runJobsOnce()).toBe(0);
    const o: ScheduleOptions = {
      store: t.app.store,
      clock: () => now,
      log: createLogger("silent"),
      rescore: "0 * * * *",
      wake: () => undefined,
      schedulerId: "test",
    };
    await fireTick(
      o,
      SCHEDULES.find((x) => x.name === "deliver-notifications")!,
      now,
    );
    await t.app.runJobsOnce();
    expect((await deliveries()).deliveries.find((x) => x.id === lost)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("shows every delivery's state, and counts them in the metrics", async () => {
    const all = await deliveries();
    expect(all.counts.failed).toBe(2);
    expect(all.counts.pending + all.counts.sending).toBe(0);
    expect(all.counts.sent).toBe(all.deliveries.filter((d) => d.status === "sent").length);
    const failed = await deliveries("&status=failed");
    expect(failed.deliveries.map((d) => [d.eventType, d.lastStatus])).toEqual([
      ["ping", 200],
      ["ping", 503],
    ]);
    const page = await t.json("GET", "/api/v1/projects/web/deliveries?limit=2");
    expect(page.body.deliveries).toHaveLength(2);
    const next = await t.json("GET", `/api/v1/projects/web/deliveries?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.deliveries[0].id < page.body.deliveries[1].id).toBe(true);
    expect(await metric("slack", "sent")).toBe(
      all.deliveries.filter((d) => d.status === "sent" && d.integrationId !== ids.webhook).length,
    );
    expect(await metric("webhook", "sent")).toBe(hook.received.length);
  });

  it("forgets finished notifications after notifyRetentionDays (30)", async () => {
    const project = (await t.app.store.projects.getProject("web"))!;
    const before = await t.app.store.outbox.countByStatus(project.id);
    now += 29 * 24 * HOUR;
    await t.app.store.jobs.enqueueJob({ kind: "prune-outbox", payload: {} }, now);
    await t.app.runJobsOnce();
    expect(await t.app.store.outbox.countByStatus(project.id)).toEqual(before);
    now += 2 * 24 * HOUR;
    await t.app.store.jobs.enqueueJob({ kind: "prune-outbox", payload: {} }, now);
    await t.app.runJobsOnce();
    expect(await t.app.store.outbox.countByStatus(project.id)).toEqual({ pending: 0, sending: 0, sent: 0, failed: 0 });
  });
});
