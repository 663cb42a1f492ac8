// Seeds one project for the UI bench: N tests over R CI runs of 5 shard jobs, straight into the store's
// bulk path (no XML), with incidents and failure groups recorded per report as detection does, then the
// hourly full rescore (as with scoreOnIngest off: scoring every report's new tests as they arrive would
// make seeding 50,000 tests take far longer than the measurement, for the same end state).
// Healthy tests pass; ~2% flake (some passing on an in-run retry); ~0.3% break for good at some run;
// one job hits an outage (most of its tests fail with one message: an incident).
import { createHash } from "node:crypto";
import { recordBatchFindings } from "../../src/act/findings.ts";
import { rescoreTests } from "../../src/act/rescore.ts";
import { createProject } from "../../src/accounts/projects.ts";
import { dedupeKey, testId } from "../../src/ingest/identity.ts";
import { failureFingerprint } from "../../src/ingest/fingerprint.ts";
import { Random } from "../../src/demo/random.ts";
import type { ReportRows, ResultRow, TestRow } from "../../src/model/ingest.ts";
import type { Project } from "../../src/model/project.ts";
import type { Store } from "../../src/store/index.ts";

const DAY = 86_400_000;
/** Shard jobs per run: each runs a fifth of the tests; the first two retry failures in-run. */
const SHARDS = 5;

interface SimTest {
  row: TestRow;
  kind: "healthy" | "flaky" | "broken";
  rate: number;
  breaksAt: number;
  cause: number;
}

/** What was seeded. */
export interface Seeded {
  project: Project;
  tests: number;
  reports: number;
  results: number;
  seedMs: number;
  rescoreMs: number;
}

/** Seeds `tests` tests over `runs` daily runs ending at `end` into a new project `slug`. */
export async function seedProject(
  store: Store,
  slug: string,
  tests: number,
  runs: number,
  end: number,
): Promise<Seeded> {
  const rng = new Random(7);
  const start = end - runs * DAY;
  const project = await createProject(
    store,
    { slug, name: `UI bench (${tests} tests)`, defaultBranch: "main" },
    "bench",
    start,
  );
  const population: SimTest[] = Array.from({ length: tests }, (_, i) => {
    const suite = `com.acme.module${i % 97}.Suite${i % 503}`;
    const name = `test_${i}_${rng.int(0, 1e6).toString(36)}`;
    const file = `src/module${i % 97}/suite${i % 503}.test.ts`;
    const roll = rng.next();
    const kind = roll < 0.02 ? "flaky" : roll < 0.023 ? "broken" : "healthy";
    return {
      row: { id: testId(project.id, suite, name, file), projectId: project.id, suite, name, file },
      kind,
      rate: 0.05 + rng.next() * 0.3,
      breaksAt: rng.int(Math.floor(runs / 3), runs - 2),
      cause: rng.int(0, 400),
    };
  });
  const outage = { run: Math.floor(runs * 0.6), shard: 3 };
  let reports = 0;
  let results = 0;
  const t0 = performance.now();
  for (let run = 0; run < runs; run++) {
    const now = start + run * DAY;
    for (let shard = 0; shard < SHARDS; shard++) {
      const mine = population.filter((_, i) => i % SHARDS === shard);
      const rows = shardRows(rng, mine, shard < 2, run, run === outage.run && shard === outage.shard);
      const meta = {
        commit: sha(`c${run}`),
        branch: "main",
        pr: null,
        run: String(9000 + run),
        job: `shard ${shard + 1}/${SHARDS}`,
        attempt: 1,
        variant: shard < 3 ? "os=linux" : "os=windows",
        filename: null,
      };
      const hash = sha(`${run}/${shard}`);
      const [saved] = await store.reports.saveProcessed(
        [
          {
            report: {
              ...meta,
              projectId: project.id,
              dedupeKey: dedupeKey(hash, meta),
              contentHash: hash,
              format: "junit",
              rawSize: 0,
              raw: new Uint8Array(),
            },
            rows,
          },
        ],
        now,
      );
      await recordBatchFindings(
        store,
        project,
        [{ id: saved.id, run: meta.run, job: meta.job, commit: meta.commit, variant: meta.variant, rows }],
        now,
      );
      reports++;
      results += rows.results.length;
    }
  }
  const seedMs = performance.now() - t0;
  const t1 = performance.now();
  // What the hourly job does: score every test (most were never rescored, as only failures trigger it).
  await rescoreTests(
    store,
    project,
    population.map((t) => t.row.id),
    end,
  );
  await store.overview.saveDailyCounts(project.id, end);
  return { project, tests, reports, results, seedMs, rescoreMs: performance.now() - t1 };
}

function shardRows(rng: Random, tests: SimTest[], retries: boolean, run: number, outage: boolean): ReportRows {
  const results: ResultRow[] = [];
  const counts = { tests: tests.length, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0, attempts: 0 };
  for (const t of tests) {
    const steady = (t.kind === "broken" && run >= t.breaksAt) || (outage && rng.chance(0.7));
    const attempts: boolean[] = [];
    do attempts.push(steady || (t.kind === "flaky" && rng.chance(t.rate)));
    while (retries && attempts.at(-1) && attempts.length < 3);
    attempts.forEach((failed, i) => {
      const message = !failed
        ? null
        : outage && steady && t.kind !== "broken"
          ? "connect ECONNREFUSED 10.0.3.7:5432"
          : `expected ${t.cause} to equal ${t.cause + 1}`;
      const stack = failed ? `AssertionError: ${message}\n    at ${t.row.file}:${10 + (t.cause % 50)}:5` : null;
      results.push({
        testId: t.row.id,
        attempt: i + 1,
        status: failed ? "failed" : "passed",
        final: i === attempts.length - 1,
        durationMs: 5 + ((i * 7) % 300),
        message,
        stack,
        fingerprint: failed ? failureFingerprint("AssertionError", message!, stack!) : null,
        output: null,
      });
    });
    const passed = attempts.includes(false);
    counts[passed ? "passed" : "failed"]++;
    if (passed && attempts.includes(true)) counts.flaky++;
    counts.attempts += attempts.length;
  }
  return { format: "junit", tests: tests.map((t) => t.row), results, counts };
}

const sha = (s: string) => createHash("sha1").update(s).digest("hex");
