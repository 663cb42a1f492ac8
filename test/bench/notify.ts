// `npm run bench:notify`: what notifications cost ingestion, and how fast the outbox drains. In process,
// on SQLite, against local receivers. Prints:
// - upload latency (median, p95) of reports that flip verdicts, with no integration, with healthy ones,
//   and with a webhook that never answers (requests time out): delivery must not show in uploads;
// - the drain rate of queued webhook events to a healthy receiver (the job's rounds, real clock).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureAdminToken } from "../../src/accounts/tokens.ts";
import { createApp, type App } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createLogger } from "../../src/lib/log.ts";
import { emitEvents } from "../../src/notify/emit.ts";
import type { NotificationEvent } from "../../src/notify/events.ts";
import { openDb } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";
import { startFakeSlack } from "../helpers/fake-slack.ts";
import { listenLocal } from "../helpers/local-server.ts";

const TESTS = 300;
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 40);
const DRAIN = Number(process.env.BENCH_EVENTS ?? 500);

async function freshApp(): Promise<{ app: App; admin: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "fg-bench-notify-"));
  const db = await openDb({ backend: "sqlite", path: join(dir, "db.sqlite") });
  await migrate(db, Date.now());
  const config = {
    ...loadConfig({ env: {}, cwd: dir }).config,
    publicUrl: "https://fg.example",
    notifyTimeoutMs: 1000,
    notifyAllowPrivate: true, // the receivers are local fakes
  };
  const app = createApp({ config, db, log: createLogger("silent"), worker: true });
  const admin = (await ensureAdminToken(app.store, undefined, Date.now())).generated!;
  return {
    app,
    admin,
    close: async () => {
      await app.stop();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A report where every 10th test flips (fails on odd uploads): verdicts change, events are emitted. */
function report(n: number): string {
  const cases = Array.from({ length: TESTS }, (_, i) =>
    i % 10 === 0 && n % 2 === 1
      ? `<testcase classname="bench.Suite" name="t${i}" time="0.01"><failure message="boom">x</failure></testcase><testcase classname="bench.Suite" name="t${i}" time="0.01"/>`
      : `<testcase classname="bench.Suite" name="t${i}" time="0.01"/>`,
  );
  return `<testsuite name="bench">${cases.join("")}</testsuite>`;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function uploads(
  label: string,
  integrations: (slug: string) => { kind: string; config: Record<string, unknown>; events?: string[] }[],
) {
  const { app, admin, close } = await freshApp();
  const call = (path: string, method: string, body: string, type = "application/json") =>
    Promise.resolve(
      app.http.request(path, { method, body, headers: { authorization: `Bearer ${admin}`, "content-type": type } }),
    );
  await call("/api/v1/projects", "POST", JSON.stringify({ slug: "bench" }));
  for (const i of integrations("bench")) await call("/api/v1/projects/bench/integrations", "POST", JSON.stringify(i));
  const ms: number[] = [];
  for (let n = 0; n < UPLOADS; n++) {
    const t0 = performance.now();
    const res = await call(
      `/api/v1/projects/bench/reports?commit=c${n}&run=r${n}&branch=main`,
      "POST",
      report(n),
      "application/xml",
    );
    if (res.status !== 201) throw new Error(`upload ${n}: ${res.status} ${await res.text()}`);
    ms.push(performance.now() - t0);
  }
  const project = (await app.store.projects.getProject("bench"))!;
  const counts = await app.store.outbox.countByStatus(project.id);
  await close();
  console.log(
    `${label.padEnd(44)} upload median ${pct(ms, 0.5).toFixed(1)} ms, p95 ${pct(ms, 0.95).toFixed(1)} ms; outbox ${JSON.stringify(counts)}`,
  );
}

async function drain() {
  const received = { n: 0 };
  const hook = await listenLocal((_req, _body, res) => {
    received.n++;
    res.writeHead(200).end("{}");
  });
  const { app, close } = await freshApp();
  const project = await app.store.projects.createProject(
    { slug: "drain", name: "drain", defaultBranch: "main" },
    Date.now(),
  );
  await app.store.integrations.createIntegration(
    {
      projectId: project.id,
      kind: "webhook",
      name: "w",
      config: { url: `${hook.url}/x`, secret: "0123456789abcdef" },
      events: ["verdict.changed"],
      enabled: true,
    },
    undefined,
    Date.now(),
  );
  const events: NotificationEvent[] = Array.from({ length: DRAIN }, (_, i) => ({
    type: "verdict.changed",
    key: `bench:${i}`,
    occurredAt: Date.now(),
    project: { id: project.id, slug: "drain", name: "drain" },
    test: { id: `t${i}`, suite: "s", name: `t${i}`, file: "" },
    verdict: { from: "healthy", to: "flaky", score: 0.5, failureRate: 0.1, runs: 10, failures: 1 },
  }));
  const t0 = performance.now();
  await emitEvents(app.store, events, Date.now());
  while (received.n < DRAIN && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
  const s = (performance.now() - t0) / 1000;
  await close();
  await hook.close();
  console.log(
    `drain: ${received.n} webhook events in ${s.toFixed(2)} s = ${(received.n / s).toFixed(0)} events/s (one integration, worker polling, real clock)`,
  );
}

const slack = await startFakeSlack();
const silent = await listenLocal(() => undefined); // accepts and never answers: every request times out
const healthy = await listenLocal((_req, _body, res) => {
  res.writeHead(200).end("{}");
});
try {
  await uploads("no integration", () => []);
  await uploads("Slack + webhook, both healthy", () => [
    { kind: "slack", config: { webhookUrl: slack.webhookUrl } },
    {
      kind: "webhook",
      config: { url: `${healthy.url}/hook`, secret: "0123456789abcdef" },
      events: ["verdict.changed"],
    },
  ]);
  await uploads("webhook that never answers (1 s timeouts)", () => [
    {
      kind: "webhook",
      config: { url: `${silent.url}/hook`, secret: "0123456789abcdef" },
      events: ["verdict.changed", "test.flaky"],
    },
  ]);
  await drain();
} finally {
  await slack.close();
  await silent.close();
  await healthy.close();
}
