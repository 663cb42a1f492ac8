// `npm run bench:load`: the built executable under sustained load, on SQLite and PostgreSQL. 16 connections
// upload 2,000-test reports (each under a new commit, so each is stored and scored) while 4 more read the test
// list, a test's detail and the quarantine list. Prints requests/s, p50/p99 latency, errors and the server's RSS
// at start and end; writes docs/benchmarks-load.md unless --no-write.
// A full rescore of every test (the hourly job) is scheduled every 20 s during the load, so the memory
// figures include it. Flags: --duration S (default 60), --connections N (default 16), --backends
// sqlite,postgres, --rescore CRON (croner, seconds allowed; "off" for none).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { PG_ADMIN_URL, adminQuery } from "../helpers/backends.ts";
import { BUILT_BINARY } from "../e2e/process.ts";
import { MiB, residentBytes, serve, type Served } from "../hardening/served.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    connections: { type: "string", default: "16" },
    backends: { type: "string", default: "sqlite,postgres" },
    rescore: { type: "string", default: "*/20 * * * * *" },
    "no-write": { type: "boolean", default: false },
  },
});
const DURATION_S = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const READ_CONNECTIONS = 4;
const TESTS_PER_REPORT = 2000;

/** A 2,000-test JUnit report: 50 classes, about 1 % failing with a message and a stack. */
function report(seed: number): string {
  const cases: string[] = [];
  for (let i = 0; i < TESTS_PER_REPORT; i++) {
    const fails = (i * 7919 + seed) % 97 === 0;
    const body = fails
      ? `<failure message="expected 200 but was 503" type="AssertionError">at Suite.test (src/c${i % 50}.test.ts:${i % 300}:7)</failure>`
      : "";
    cases.push(
      `<testcase classname="pkg.module${i % 50}.Class" name="test case number ${i}" time="0.${(i * 31) % 1000}">${body}</testcase>`,
    );
  }
  return `<?xml version="1.0"?><testsuites><testsuite name="load" tests="${TESTS_PER_REPORT}">${cases.join("")}</testsuite></testsuites>`;
}

/** One backend's figures. */
interface Figures {
  backend: string;
  uploads: autocannon.Result;
  reads: autocannon.Result;
  rssStartMb: number;
  rssEndMb: number;
  /** Half-way through the load: after the warm-up growth (caches, JIT, heap sizing), before the end. */
  rssMidMb: number;
  rssPeakMb: number;
  reportsStored: number;
  /** Rescore jobs finished during the load: the scheduled full ones (`--rescore`) and those ingest queued for stored batches. */
  rescores: number;
}

/** How many rescore jobs the server has finished, from its /metrics. */
async function rescoresDone(s: Served): Promise<number> {
  const text = await (await s.api("/metrics", {}, s.admin)).text();
  const count = /flakeguard_job_duration_seconds_count\{[^}]*kind="rescore"[^}]*\} (\d+)/g;
  return [...text.matchAll(count)].reduce((n, m) => n + Number(m[1]), 0);
}

async function measure(backend: string): Promise<Figures> {
  const pgName = `fg_bench_load_${process.pid}`;
  let args: string[] = [];
  if (backend === "postgres") {
    await adminQuery(`drop database if exists ${pgName} with (force)`);
    await adminQuery(`create database ${pgName}`);
    args = ["--database-url", Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${pgName}` }).toString()];
  }
  const s: Served = await serve({
    args,
    env: {
      FLAKEGUARD_UPLOAD_RATE_LIMIT: "0",
      FLAKEGUARD_API_RATE_LIMIT: "0",
      FLAKEGUARD_LOG_LEVEL: "error",
      FLAKEGUARD_RESCORE_SCHEDULE: values.rescore,
    },
  });
  try {
    const bodies = [report(1), report(2), report(3)];
    const base = `http://127.0.0.1:${s.port}`;
    // Warm up: one upload, so there are tests to read, and the JIT has seen every path once.
    const warm = await s.api("/api/v1/projects/p/reports?commit=warmup", { method: "POST", body: bodies[0] });
    if (warm.status !== 201) throw new Error(`warm-up upload: ${warm.status} ${await warm.text()}`);
    const tests = (await (await s.api("/api/v1/projects/p/tests?limit=5")).json()) as { tests: { id: string }[] };
    const testId = tests.tests[0].id;
    await new Promise((r) => setTimeout(r, 1000));
    const rescoresBefore = await rescoresDone(s);
    const rssStart = s.rss();
    let peak = rssStart;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(s.running.child.pid!))), 250);
    let rssMid = 0;
    const midway = setTimeout(() => (rssMid = residentBytes(s.running.child.pid!)), (DURATION_S * 1000) / 2);
    let n = 0;
    const auth = { authorization: `Bearer ${s.token}` };
    const uploads = autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: DURATION_S,
      timeout: 120,
      requests: [
        {
          method: "POST",
          headers: { ...auth, "content-type": "application/xml" },
          setupRequest: (req) => ({
            ...req,
            path: `/api/v1/projects/p/reports?commit=${(++n).toString(16).padStart(40, "0")}&branch=main`,
            body: bodies[n % bodies.length],
          }),
        },
      ],
    });
    const reads = autocannon({
      url: base,
      connections: READ_CONNECTIONS,
      duration: DURATION_S,
      timeout: 120,
      requests: [
        { method: "GET", path: "/api/v1/projects/p/tests?limit=50", headers: auth },
        { method: "GET", path: `/api/v1/projects/p/tests/${testId}`, headers: auth },
        { method: "GET", path: "/api/v1/projects/p/quarantine", headers: auth },
      ],
    });
    const [u, r] = await Promise.all([uploads, reads]);
    clearInterval(sampler);
    clearTimeout(midway);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssEnd = s.rss();
    const project = (await (await s.api("/api/v1/projects/p", {}, s.admin)).json()) as { counts: { reports: number } };
    const rescores = (await rescoresDone(s)) - rescoresBefore;
    return {
      backend,
      uploads: u,
      reads: r,
      rssStartMb: rssStart / MiB,
      rssEndMb: rssEnd / MiB,
      rssMidMb: rssMid / MiB,
      rssPeakMb: peak / MiB,
      reportsStored: project.counts.reports,
      rescores,
    };
  } finally {
    await s.stop(60_000);
    if (backend === "postgres") await adminQuery(`drop database if exists ${pgName} with (force)`);
  }
}

const errors = (r: autocannon.Result) => r.errors + r.timeouts + r.non2xx;
const row = (f: Figures, what: string, r: autocannon.Result) =>
  `| ${f.backend} | ${what} | ${r.connections} | ${r.requests.total} | ${r.requests.average.toFixed(1)} | ${r.latency.p50} | ${r.latency.p99} | ${errors(r)} |`;

const figures: Figures[] = [];
for (const backend of values.backends
  .split(",")
  .map((b) => b.trim())
  .filter(Boolean)) {
  console.log(
    `bench:load: ${backend}, ${DURATION_S} s, ${CONNECTIONS} upload + ${READ_CONNECTIONS} read connections …`,
  );
  const f = await measure(backend);
  figures.push(f);
  console.log(
    `  uploads: ${f.uploads.requests.average.toFixed(1)} req/s (${(f.uploads.requests.average * TESTS_PER_REPORT).toFixed(0)} test results/s), p50 ${f.uploads.latency.p50} ms, p99 ${f.uploads.latency.p99} ms, errors ${errors(f.uploads)}`,
  );
  console.log(
    `  upload status codes: ${JSON.stringify(f.uploads.statusCodeStats)}, connection errors ${f.uploads.errors}, timeouts ${f.uploads.timeouts}`,
  );
  console.log(
    `  reads:   ${f.reads.requests.average.toFixed(1)} req/s, p50 ${f.reads.latency.p50} ms, p99 ${f.reads.latency.p99} ms, errors ${errors(f.reads)}`,
  );
  console.log(
    `  RSS: ${f.rssStartMb.toFixed(0)} MB at start, ${f.rssMidMb.toFixed(0)} MB half-way, ${f.rssEndMb.toFixed(0)} MB at end (peak ${f.rssPeakMb.toFixed(0)} MB); ${f.reportsStored} reports stored; ${f.rescores} rescore jobs finished (full and queued by ingest)`,
  );
}

const version = execFileSync(BUILT_BINARY, ["version"]).toString().trim();
const doc = `# Load benchmark (\`npm run bench:load\`)

The built executable (${version}) under sustained load: ${CONNECTIONS} connections upload 2,000-test JUnit
reports (each under a new commit, so each is parsed, stored and scored: in its request, or — during a burst —
answered 202 once stored raw and stored by the queue in batches, until 64 wait) while ${READ_CONNECTIONS}
more read the test list, one test's detail and the quarantine list, for ${DURATION_S} s. Rate limits off. RSS
is the server's resident memory after a warm-up upload, half-way through the load, and 2 s after the load
stops; a full rescore of every test (the hourly job) was scheduled \`${values.rescore}\` during the load, so
the memory figures include it. Growth from start to half-way is warm-up (page cache of the database, JIT, V8 sizing its heap for the
load); a leak shows as growth from half-way to the end.

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM,
a machine shared with other work (load average ${loadavg()[0].toFixed(0)} at the end; figures are indicative). Target: 0 errors, RSS flat.

| backend | traffic | connections | requests | req/s | p50 ms | p99 ms | errors |
|---|---|---|---|---|---|---|---|
${figures.flatMap((f) => [row(f, "uploads (2,000 tests)", f.uploads), row(f, "reads", f.reads)]).join("\n")}

| backend | test results/s | reports stored | rescore jobs (full + queued) | RSS start MB | RSS half-way MB | RSS end MB | RSS peak MB |
|---|---|---|---|---|---|---|---|
${figures.map((f) => `| ${f.backend} | ${(f.uploads.requests.average * TESTS_PER_REPORT).toFixed(0)} | ${f.reportsStored} | ${f.rescores} | ${f.rssStartMb.toFixed(0)} | ${f.rssMidMb.toFixed(0)} | ${f.rssEndMb.toFixed(0)} | ${f.rssPeakMb.toFixed(0)} |`).join("\n")}

Errors count connection errors, timeouts (120 s) and non-2xx answers.
`;
console.log("\n" + doc);
if (!values["no-write"]) writeFileSync(new URL("../../docs/benchmarks-load.md", import.meta.url), doc);
