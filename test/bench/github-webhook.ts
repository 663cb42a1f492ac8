// `node test/bench/github-webhook.ts [--n 500]`: how fast POST /api/v1/github/webhook answers a signed
// workflow_run delivery (store the delivery and its job in one transaction, 202), in process on SQLite
// (a fresh file) and PGlite (in memory). GitHub waits 10 s; the target is well under a second at p99.
// Prints the figures; nothing is written.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { signBody } from "../../src/github/signature.ts";
import { createLogger } from "../../src/lib/log.ts";
import { openDb } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";

const n = Number(process.argv[process.argv.indexOf("--n") + 1]) || 500;
const SECRET = "bench-secret";
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, "../fixtures/github/workflow_run.completed.json"), "utf8"),
) as { headers: Record<string, string>; body: Record<string, unknown> };
const raw = JSON.stringify(fixture.body);
const headers = { ...fixture.headers, "X-Hub-Signature-256": signBody(SECRET, raw) };
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

for (const backend of ["sqlite", "pglite"] as const) {
  const dir = mkdtempSync(join(tmpdir(), "fg-bench-gh-"));
  const db = await openDb(backend === "sqlite" ? { backend, path: join(dir, "b.db") } : { backend, path: "memory://" });
  await migrate(db, Date.now());
  const config = { ...loadConfig({ env: {}, cwd: dir }).config, githubWebhookSecret: SECRET };
  const app = createApp({ config, db, log: createLogger("silent"), worker: false });
  const ms: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const started = performance.now();
    const res = await app.http.request("/api/v1/github/webhook", {
      method: "POST",
      headers: { ...headers, "X-GitHub-Delivery": `bench-${i}` },
      body: raw,
    });
    if (res.status !== 202) throw new Error(`answered ${res.status}: ${await res.text()}`);
    if (i >= 20) ms.push(performance.now() - started); // the first 20 warm up
  }
  const dup = performance.now();
  await app.http.request("/api/v1/github/webhook", {
    method: "POST",
    headers: { ...headers, "X-GitHub-Delivery": "bench-0" },
    body: raw,
  });
  console.log(
    `${backend}: ${n} deliveries (${raw.length} B each): p50 ${pct(ms, 50).toFixed(2)} ms, p99 ${pct(ms, 99).toFixed(2)} ms, max ${Math.max(...ms).toFixed(2)} ms; a redelivery ${(performance.now() - dup).toFixed(2)} ms`,
  );
  await app.stop();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
