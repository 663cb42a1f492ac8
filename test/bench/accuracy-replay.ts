// FlakeGuard's verdicts on a demo history, through the real API: every upload is POSTed in order to an
// in-process server on a fresh database — SQLite, PGlite or PostgreSQL (the same Hono routes, store and pipeline as `serve`),
// with the clock set to the upload's simulated time; after each upload the flaky list is read, so the
// report after which each test turned flaky for good is known. With `hourlyRescore`, the scheduled full
// rescore (default cron: every hour at :17) also runs at those simulated times, as it does in a server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rescoreTests } from "../../src/act/rescore.ts";
import { ensureAdminToken } from "../../src/accounts/tokens.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { uploadQuery } from "../../src/demo/query.ts";
import type { DemoHistory } from "../../src/demo/types.ts";
import { testKey } from "../../src/demo/types.ts";
import { createLogger } from "../../src/lib/log.ts";
import pg from "pg";
import { openDb, type Db } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";
import type { Detections } from "./accuracy-baselines.ts";

/** What a replay found: flaky calls (and when), and every test the default policy ever quarantined. */
export interface Replay {
  detections: Detections;
  everQuarantined: Set<string>;
  /** Every test called flaky at any moment, even if not at the end. */
  everFlaky: Set<string>;
  /** Per test, the simulated times it entered and left quarantine (`to` null: still in at the end). */
  quarantined: Map<string, { from: number; to: number | null }[]>;
  /** Every test's final status and score, as `GET …/tests` gives them once the project reads settled. */
  final: Map<string, { status: string; score: number }>;
  /** Tests whose status (or only score) moved when the full rescore ran again after the project read settled. */
  movedAfterSettled: string[];
  scoreMovedAfterSettled: string[];
}

/** The database a replay runs on. */
export type ReplayBackend = "sqlite" | "pglite" | "postgres";

/** The PostgreSQL server the bench creates its throwaway databases on (trust auth on this machine). */
const PG_URL = process.env.FLAKEGUARD_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function pgAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh database on `backend`, and how to throw it away. */
async function freshDatabase(backend: ReplayBackend, dir: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (backend === "sqlite") {
    const db = await openDb({ backend, path: join(dir, "fg.db") });
    return { db, drop: () => db.close() };
  }
  if (backend === "pglite") {
    const db = await openDb({ backend, path: "memory://" });
    return { db, drop: () => db.close() };
  }
  const name = `fg_accuracy_${process.pid}_${Date.now()}`;
  await pgAdmin(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ backend, url: url.toString() });
  return {
    db,
    drop: async () => {
      await db.close();
      await pgAdmin(`drop database if exists ${name} with (force)`);
    },
  };
}

const HOUR = 3_600_000;
/** The default rescore schedule's minute past the hour ("17 * * * *"). */
const RESCORE_MINUTE = 17 * 60_000;

/** Replays a history through the API and reads back which tests FlakeGuard calls flaky, and when. */
export async function replayThroughApi(
  history: DemoHistory,
  { hourlyRescore = false, backend = "sqlite" as ReplayBackend } = {},
): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), "fg-accuracy-"));
  let now = history.uploads[0]?.receivedAt ?? 0;
  const { db, drop } = await freshDatabase(backend, dir);
  await migrate(db, now);
  const config = { ...loadConfig({ env: {}, cwd: dir }).config, inlineMaxBytes: 64 * 1024 * 1024 };
  const app = createApp({ config, db, log: createLogger("silent"), worker: false, clock: () => now });
  try {
    const admin = (await ensureAdminToken(app.store, undefined, now)).generated!;
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await app.http.request(path, {
        ...init,
        headers: { authorization: `Bearer ${admin}`, ...init.headers },
      });
      if (res.status >= 300) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    await call("/api/v1/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ slug: "demo", defaultBranch: history.defaultBranch }),
    });
    const runs = new Map<string, number>();
    const flakySince = new Map<string, number>();
    const everQuarantined = new Set<string>();
    const everFlaky = new Set<string>();
    const quarantined = new Map<string, { from: number; to: number | null }[]>();
    const project = (await app.store.projects.getProject("demo"))!;
    let tick = Math.floor(now / HOUR) * HOUR + RESCORE_MINUTE;
    // What the flaky list and the quarantine say now (after an upload or a scheduled rescore).
    const read = async (): Promise<void> => {
      const flaky = new Set(
        (
          (await call("/api/v1/projects/demo/tests?status=flaky&limit=500")).tests as { suite: string; name: string }[]
        ).map((t) => testKey(t.suite, t.name)),
      );
      for (const key of flakySince.keys()) if (!flaky.has(key)) flakySince.delete(key);
      for (const key of flaky) if (!flakySince.has(key)) flakySince.set(key, runs.get(key) ?? 0);
      for (const key of flaky) everFlaky.add(key);
      // The default policy quarantines as it goes: which tests did it ever hide?
      const res = await app.http.request("/api/v1/projects/demo/quarantine?format=text", {
        headers: { authorization: `Bearer ${admin}` },
      });
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
      await call(`/api/v1/projects/demo/reports?${uploadQuery(upload.meta)}`, {
        method: "POST",
        body: upload.junitXml,
      });
      // What a server's worker does between two uploads minutes apart: the rescore of all the report's tests.
      await app.runJobsOnce();
      await read();
    }
    const detections: Detections = new Map(
      Object.keys(history.truth).map((key) => [
        key,
        {
          flaky: flakySince.has(key),
          detectedAfterRuns: flakySince.get(key) ?? null,
        },
      ]),
    );
    // Settled: nothing queued. Then the scheduled full rescore, at the same moment, must move nothing.
    const counts = await call("/api/v1/projects/demo");
    if (counts.counts.pendingReports !== 0 || counts.counts.pendingRescores !== 0)
      throw new Error(`not settled at the end: ${JSON.stringify(counts)}`);
    const final = await verdicts(call);
    await rescoreTests(app.store, project, await app.store.tests.listTestIds(project.id), now);
    const again = await verdicts(call);
    const movedAfterSettled = [...final].filter(([key, v]) => again.get(key)?.status !== v.status).map(([key]) => key);
    const scoreMovedAfterSettled = [...final]
      .filter(([key, v]) => again.get(key)?.score !== v.score)
      .map(([key]) => key);
    return { detections, everQuarantined, everFlaky, quarantined, final, movedAfterSettled, scoreMovedAfterSettled };
  } finally {
    await app.stop();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every test's status and score, page by page, keyed like the truth. */
async function verdicts(
  call: (
    path: string,
  ) => Promise<{ tests: { suite: string; name: string; status: string; score: number }[]; nextCursor: string | null }>,
) {
  const out = new Map<string, { status: string; score: number }>();
  let cursor: string | null | undefined = null;
  do {
    const page = await call(
      `/api/v1/projects/demo/tests?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    for (const t of page.tests) out.set(testKey(t.suite, t.name), { status: t.status, score: t.score });
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
