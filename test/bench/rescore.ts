// `npm run bench:rescore`: the hourly full rescore of a project, on SQLite and PostgreSQL — how long it
// takes and how much memory it holds. Seeds 2,000 tests over 400 daily runs (800k results; the UI
// bench's seeder), then rescores every test as the job does, sampling heap and RSS at every store call
// (SQLite's driver is synchronous, so a timer would never fire during a batch). Run with --expose-gc
// (the npm script does) so "before" is the live heap, not garbage.
// Flags: --backends sqlite,postgres, --tests N, --runs N.
// --periodic N runs instead the scheduled rescore of a project of N distinct tests (test/bench/rescore-periodic.ts),
// with --flaky K of them flaky and --full to time the old every-test job beside it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { rescoreTests } from "../../src/act/rescore.ts";
import { openDb } from "../../src/store/backend/db.ts";
import { createStore, type Store } from "../../src/store/index.ts";
import { migrate } from "../../src/store/backend/migrate.ts";
import { PG_ADMIN_URL, adminQuery } from "../helpers/backends.ts";
import { seedProject } from "./ui-seed.ts";
import { runPeriodic } from "./rescore-periodic.ts";

const { values } = parseArgs({
  options: {
    backends: { type: "string", default: "sqlite,postgres" },
    tests: { type: "string", default: "2000" },
    runs: { type: "string", default: "400" },
    periodic: { type: "string" },
    flaky: { type: "string", default: "0" },
    full: { type: "boolean", default: false },
  },
});
const MB = 1048576;

/** Wraps every store function so memory is sampled before and after each call. */
function sampled(store: Store, sample: () => void): Store {
  for (const fns of Object.values(store)) {
    for (const [name, fn] of Object.entries(fns as Record<string, unknown>)) {
      if (typeof fn !== "function") continue;
      (fns as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        sample();
        try {
          return await (fn as (...a: unknown[]) => unknown)(...args);
        } finally {
          sample();
        }
      };
    }
  }
  return store;
}

async function measure(backend: string) {
  const dir = mkdtempSync(join(tmpdir(), "fg-bench-rescore-"));
  const pgName = `fg_bench_rescore_${process.pid}`;
  if (backend === "postgres") {
    await adminQuery(`drop database if exists ${pgName} with (force)`);
    await adminQuery(`create database ${pgName}`);
  }
  const target =
    backend === "postgres"
      ? {
          backend: "postgres" as const,
          url: Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${pgName}` }).toString(),
        }
      : { backend: "sqlite" as const, path: join(dir, "bench.db") };
  const db = await openDb(target);
  try {
    await migrate(db, Date.now());
    const peak = { heap: 0, rss: 0 };
    const sample = () => {
      const m = process.memoryUsage();
      peak.heap = Math.max(peak.heap, m.heapUsed);
      peak.rss = Math.max(peak.rss, m.rss);
    };
    const store = createStore(db);
    const seeded = await seedProject(store, "p", Number(values.tests), Number(values.runs), Date.now());
    const ids = await store.tests.listTestIds(seeded.project.id);
    globalThis.gc?.();
    const before = process.memoryUsage();
    const t0 = performance.now();
    await rescoreTests(sampled(store, sample), seeded.project, ids, Date.now());
    const ms = performance.now() - t0;
    console.log(
      `${backend}: ${ids.length} tests, ${seeded.results} results — full rescore ${(ms / 1000).toFixed(1)} s; ` +
        `heap ${(before.heapUsed / MB).toFixed(0)} → peak ${(peak.heap / MB).toFixed(0)} MB; RSS ${(before.rss / MB).toFixed(0)} → peak ${(peak.rss / MB).toFixed(0)} MB`,
    );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    if (backend === "postgres") await adminQuery(`drop database if exists ${pgName} with (force)`);
  }
}

const backends = values.backends
  .split(",")
  .map((b) => b.trim())
  .filter(Boolean);
if (values.periodic)
  await runPeriodic({ backends, tests: Number(values.periodic), flaky: Number(values.flaky), full: values.full });
else for (const backend of backends) await measure(backend);
