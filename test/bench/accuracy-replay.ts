// FlakeGuard's verdicts on a demo history, through the real API: every upload is POSTed in order to an
// in-process server on a fresh SQLite database (the same Hono routes, store and pipeline as `serve`),
// with the clock set to the upload's simulated time; after each upload the flaky list is read, so the
// report after which each test turned flaky for good is known. With `hourlyRescore`, the scheduled full
// rescore (default cron: every hour at :17) also runs at those simulated times, as it does in a server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rescoreTests } from "../../src/act/detect.ts";
import { ensureAdminToken } from "../../src/act/tokens.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { uploadQuery } from "../../src/demo/query.ts";
import type { DemoHistory } from "../../src/demo/types.ts";
import { testKey } from "../../src/demo/types.ts";
import { createLogger } from "../../src/lib/log.ts";
import { openDb } from "../../src/store/db.ts";
import { migrate } from "../../src/store/migrate.ts";
import type { Detections } from "./accuracy-baselines.ts";

/** What a replay found: flaky calls (and when), and every test the default policy ever quarantined. */
export interface Replay {
  detections: Detections;
  everQuarantined: Set<string>;
  /** Every test called flaky at any moment, even if not at the end. */
  everFlaky: Set<string>;
  /** Per test, the simulated times it entered and left quarantine (`to` null: still in at the end). */
  quarantined: Map<string, { from: number; to: number | null }[]>;
}

const HOUR = 3_600_000;
/** The default rescore schedule's minute past the hour ("17 * * * *"). */
const RESCORE_MINUTE = 17 * 60_000;

/** Replays a history through the API and reads back which tests FlakeGuard calls flaky, and when. */
export async function replayThroughApi(history: DemoHistory, { hourlyRescore = false } = {}): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), "fg-accuracy-"));
  let now = history.uploads[0]?.receivedAt ?? 0;
  const db = await openDb({ backend: "sqlite", path: join(dir, "fg.db") });
  await migrate(db, now);
  const config = { ...loadConfig({ env: {}, cwd: dir }).config, inlineMaxBytes: 64 * 1024 * 1024 };
  const app = createApp({ config, db, log: createLogger("silent"), worker: false, clock: () => now });
  try {
    const admin = (await ensureAdminToken(app.store, undefined, now)).generated!;
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await app.http.request(path, { ...init, headers: { authorization: `Bearer ${admin}`, ...init.headers } });
      if (res.status >= 300) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    await call("/api/v1/projects", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ slug: "demo", defaultBranch: history.defaultBranch }) });
    const runs = new Map<string, number>();
    const flakySince = new Map<string, number>();
    const everQuarantined = new Set<string>();
    const everFlaky = new Set<string>();
    const quarantined = new Map<string, { from: number; to: number | null }[]>();
    const project = (await app.store.projects.getProject("demo"))!;
    let tick = Math.floor(now / HOUR) * HOUR + RESCORE_MINUTE;
    // What the flaky list and the quarantine say now (after an upload or a scheduled rescore).
    const read = async (): Promise<void> => {
      const flaky = new Set(((await call("/api/v1/projects/demo/tests?status=flaky&limit=500")).tests as { suite: string; name: string }[])
        .map((t) => testKey(t.suite, t.name)));
      for (const key of flakySince.keys()) if (!flaky.has(key)) flakySince.delete(key);
      for (const key of flaky) if (!flakySince.has(key)) flakySince.set(key, runs.get(key) ?? 0);
      for (const key of flaky) everFlaky.add(key);
      // The default policy quarantines as it goes: which tests did it ever hide?
      const res = await app.http.request("/api/v1/projects/demo/quarantine?format=text", { headers: { authorization: `Bearer ${admin}` } });
      const listed = new Set((await res.text()).split("\n").filter(Boolean));
      for (const key of listed) {
        everQuarantined.add(key);
        const spans = quarantined.get(key) ?? [];
        if (spans.length === 0 || spans.at(-1)!.to !== null) spans.push({ from: now, to: null });
        quarantined.set(key, spans);
      }
      for (const [key, spans] of quarantined) if (!listed.has(key) && spans.at(-1)!.to === null) spans.at(-1)!.to = now;
    };
    for (const upload of history.uploads) {
      for (; hourlyRescore && tick <= upload.receivedAt; tick += HOUR) {
        now = tick;
        await rescoreTests(app.store, project, await app.store.tests.listTestIds(project.id), now);
        await read();
      }
      now = upload.receivedAt;
      for (const r of upload.results) runs.set(r.key, (runs.get(r.key) ?? 0) + 1);
      await call(`/api/v1/projects/demo/reports?${uploadQuery(upload.meta)}`, { method: "POST", body: upload.junitXml });
      await read();
    }
    const detections: Detections = new Map(Object.keys(history.truth).map((key) => [key, {
      flaky: flakySince.has(key), detectedAfterRuns: flakySince.get(key) ?? null,
    }]));
    return { detections, everQuarantined, everFlaky, quarantined };
  } finally {
    await app.stop();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
