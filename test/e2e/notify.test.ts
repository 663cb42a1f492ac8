// Notifications through the built executable: its own worker delivers a Slack message (incoming webhook)
// and a signed webhook to local receivers, the deliveries API shows them sent, /metrics counts them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../../src/notify/signature.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { startFakeWebhook, type FakeWebhook } from "../helpers/fake-webhook.ts";
import { freePort, sandbox, start, stop, waitReady, type Running } from "./process.ts";

const SECRET = "e2e-signing-secret-0123456789";

describe("notifications through the executable", () => {
  let server: Running;
  let port: number;
  let admin: string;
  let slack: FakeSlack;
  let hook: FakeWebhook;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const until = async (what: () => boolean, limitMs = 20_000) => {
    const end = Date.now() + limitMs;
    while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    return what();
  };

  beforeAll(async () => {
    [slack, hook] = await Promise.all([startFakeSlack(), startFakeWebhook()]);
    const box = sandbox();
    port = await freePort();
    server = start(
      {
        ...box,
        env: { ...box.env, FLAKEGUARD_PUBLIC_URL: "https://fg.example", FLAKEGUARD_NOTIFY_ALLOW_PRIVATE: "true" },
      },
      ["serve", "--port", String(port)],
    );
    await waitReady(server, port);
    admin = /fga_[A-Za-z0-9_-]+/.exec(server.output())![0];
    expect((await api("POST", "/api/v1/projects", { slug: "web" })).status).toBe(201);
  });
  afterAll(async () => {
    if (server) await stop(server);
    await Promise.all([slack?.close(), hook?.close()]);
  });

  it("delivers a Slack test message and a signed webhook, and shows both sent", async () => {
    const s = await api("POST", "/api/v1/projects/web/integrations", {
      kind: "slack",
      config: { webhookUrl: slack.webhookUrl },
    });
    const w = await api("POST", "/api/v1/projects/web/integrations", {
      kind: "webhook",
      config: { url: hook.url, secret: SECRET },
    });
    expect([s.status, w.status]).toEqual([201, 201]);
    expect((await api("POST", `/api/v1/projects/web/integrations/${s.body.id}/test`)).status).toBe(202);
    const queued = await api("POST", `/api/v1/projects/web/integrations/${w.body.id}/test`);
    expect(await until(() => slack.messages.length === 1 && hook.received.length === 1)).toBe(true);
    expect(slack.messages[0].text).toBe("FlakeGuard · web: Test message");
    const { headers, body } = hook.received[0];
    expect(headers["x-flakeguard-delivery"]).toBe(queued.body.delivery.id);
    expect(verifySignature(SECRET, body, String(headers["x-flakeguard-signature"]), Date.now())).toBe(true);
    expect(JSON.parse(body)).toMatchObject({
      type: "ping",
      project: { slug: "web", url: "https://fg.example/projects/web" },
    });
    expect(await until(() => false, 500)).toBe(false); // nothing more arrives
    expect([slack.messages.length, hook.received.length]).toEqual([1, 1]);
    const deliveries = await api("GET", "/api/v1/projects/web/deliveries");
    expect(deliveries.body.counts).toMatchObject({ sent: 2, pending: 0, failed: 0 });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^flakeguard_notifications_total\{channel="slack",outcome="sent"\} 1$/m);
    expect(metrics).toMatch(/^flakeguard_notifications_total\{channel="webhook",outcome="sent"\} 1$/m);
  });
});
