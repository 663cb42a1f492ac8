// `npm run bench:ui`: server time of the web UI's pages with 50,000 tests in the database. Seeds a project
// (test/bench/ui-seed.ts) on SQLite, PGlite and PostgreSQL, then times the requests each page makes,
// in process through the Hono app (no network), median of N rounds after a warm-up.
// Target (issue 6): the project page's first screen in ≤ 300 ms of server time.
// Flags: --tests N (50000), --runs N (30 daily runs), --rounds N (15), --backends sqlite,postgres (pglite too when asked:
// seeding 1.5 M results into PGlite takes far longer than the measurement).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { ensureAdminToken } from "../../src/accounts/tokens.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createLogger } from "../../src/lib/log.ts";
import { openDb, type Db } from "../../src/store/backend/db.ts";
import { migrate } from "../../src/store/backend/migrate.ts";
import { seedProject } from "./ui-seed.ts";

type Backend = "sqlite" | "pglite" | "postgres";
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const TESTS = Number(flag("tests") ?? 50_000);
const RUNS = Number(flag("runs") ?? 30);
const ROUNDS = Number(flag("rounds") ?? 15);
const BACKENDS = (flag("backends") ?? "sqlite,postgres").split(",") as Backend[];
const PG_ADMIN_URL = process.env.FLAKEGUARD_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const TARGET_MS = 300;

/** The pages and the requests each makes first (as the pages in ui/pages/ do); `$T` is the top flaky test. */
const PAGES: Record<string, string[]> = {
  "project (first screen: flaky tab)": [
    "",
    "/quarantine",
    "/tests?status=flaky&sort=score&limit=100",
    "/runs?limit=50",
  ],
  "project, broken tab": ["/tests?status=broken&sort=score&limit=100"],
  "project, all tests by score": ["/tests?sort=score&limit=100"],
  "project, search": ["/tests?status=flaky&q=module4&limit=100"],
  "project, incidents tab": ["/incidents?limit=100"],
  "project, failures tab": ["/failures?limit=100"],
  "test page": [
    "/tests/$T",
    "/quarantine",
    "/failures?limit=500",
    "/events?limit=200&test=$T",
    "/tests/$T/history?limit=100",
  ],
  overview: ["@/api/v1/overview"],
};

async function openBackend(backend: Backend, dir: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (backend === "sqlite")
    return { db: await openDb({ backend, path: join(dir, "bench.db") }), drop: async () => undefined };
  if (backend === "pglite")
    return { db: await openDb({ backend, path: join(dir, "pg") }), drop: async () => undefined };
  const name = `fg_bench_ui_${process.pid}`;
  const admin = async (q: string) => {
    const c = new pg.Client(PG_ADMIN_URL);
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    db: await openDb({ backend, url: url.toString() }),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(backend: Backend): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fg-bench-ui-"));
  const { db, drop } = await openBackend(backend, dir);
  try {
    await migrate(db, Date.now());
    const end = Date.UTC(2026, 10, 27, 12);
    const config = { ...loadConfig({ env: {}, cwd: dir }).config };
    const app = createApp({ config, db, log: createLogger("silent"), worker: false, clock: () => end });
    const token = (await ensureAdminToken(app.store, undefined, end)).generated!;
    const seeded = await seedProject(app.store, "bench", TESTS, RUNS, end);
    // PostgreSQL's autovacuum analyzes (and vacuums) freshly loaded tables within minutes; do it now so the
    // planner sees the steady state. SQLite gathers no statistics unless asked, and FlakeGuard never asks.
    if (db.dialect === "pg") await db.rows(sql`vacuum analyze`);
    const base = "/api/v1/projects/bench";
    const call = async (path: string) => {
      const url = path.startsWith("@") ? path.slice(1) : base + path;
      const t0 = performance.now();
      const res = await app.http.request(url, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 300)}`);
      return { ms, body };
    };
    const top = JSON.parse((await call("/tests?status=flaky&sort=score&limit=1")).body).tests[0].id as string;
    const counts = JSON.parse((await call("@/api/v1/overview")).body).projects[0].counts;
    console.log(
      `\n${backend}: ${seeded.tests} tests, ${seeded.reports} reports, ${seeded.results} results (seeded in ${(seeded.seedMs / 1000).toFixed(1)} s, full rescore ${(seeded.rescoreMs / 1000).toFixed(1)} s); ${counts.flaky} flaky, ${counts.broken} broken, ${counts.quarantined} quarantined`,
    );
    for (const [page, paths] of Object.entries(PAGES)) {
      const resolved = paths.map((p) => p.replaceAll("$T", top));
      const sequential: number[] = [];
      const parallel: number[] = [];
      const each = resolved.map(() => [] as number[]);
      for (let round = 0; round < ROUNDS + 2; round++) {
        const t0 = performance.now();
        const times: number[] = [];
        for (const p of resolved) times.push((await call(p)).ms);
        const seq = performance.now() - t0;
        const t1 = performance.now();
        await Promise.all(resolved.map((p) => call(p)));
        if (round < 2) continue; // warm-up: caches, prepared statements, JIT
        sequential.push(seq);
        parallel.push(performance.now() - t1);
        times.forEach((ms, i) => each[i].push(ms));
      }
      const verdict = page.startsWith("project (first")
        ? median(sequential) <= TARGET_MS
          ? `  ✓ ≤ ${TARGET_MS} ms`
          : `  ✗ > ${TARGET_MS} ms`
        : "";
      console.log(
        `  ${page}: ${median(sequential).toFixed(1)} ms one after another, ${median(parallel).toFixed(1)} ms in parallel${verdict}`,
      );
      resolved.forEach((p, i) =>
        console.log(
          `      ${median(each[i]).toFixed(1).padStart(7)} ms  GET ${p.startsWith("@") ? p.slice(1) : base + p}`,
        ),
      );
    }
    await app.stop();
  } finally {
    await db.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `UI server bench: ${TESTS} tests × ${RUNS} runs, median of ${ROUNDS} rounds (node ${process.version}, ${process.platform})`,
);
for (const backend of BACKENDS) await measure(backend);
