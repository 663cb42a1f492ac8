// Scale-out against real components: 2 `--role api` + 2 `--role worker` replicas of dist/flakeguard on a
// fresh PostgreSQL database and the local Redis, behind the repo's own NGINX config on loopback, scraped by
// a real Prometheus with the repo's scrape config. 300 reports are uploaded concurrently through NGINX
// while one api replica is killed (SIGKILL) and restarted. The deploy configs pass nginx -t and promtool.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, run, sandbox, start, stop, waitReady, type Running, type Sandbox } from "./process.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEPLOY = join(ROOT, "deploy");
const PG_ADMIN_URL = process.env.FLAKEGUARD_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.FLAKEGUARD_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const REPORTS = 300;
const CONCURRENCY = 30;
const API_RATE_LIMIT = 30;

/** The repo's NGINX server config with the upstream replicas and the listen address replaced (nothing else). */
function nginxConfig(upstreams: number[], listen: number): string {
  const conf = readFileSync(join(DEPLOY, "nginx/flakeguard.conf"), "utf8");
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=3 fail_timeout=10s;`).join("\n");
  const out = conf
    .replace(
      /# upstream-servers-begin\n[\s\S]*?# upstream-servers-end/,
      `# upstream-servers-begin\n${servers}\n    # upstream-servers-end`,
    )
    .replace(
      /# listen-begin\n[\s\S]*?# listen-end/,
      `# listen-begin\n    listen 127.0.0.1:${listen};\n    # listen-end`,
    );
  expect(out).not.toBe(conf);
  return out;
}

/** A main nginx.conf for an unprivileged NGINX in `dir` (pid, logs and temp files there) including the server config. */
function nginxMain(dir: string): string {
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((k) => `    ${k}_temp_path ${join(dir, k)};`)
    .join("\n");
  return (
    `daemon off;\nworker_processes 1;\npid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "error.log")} warn;\n` +
    `events { worker_connections 1024; }\nhttp {\n${temp}\n    include ${join(dir, "flakeguard.conf")};\n}\n`
  );
}

/** The repo's Prometheus config with the targets replaced by static loopback targets and a 1 s scrape interval. */
function prometheusConfig(targets: number[]): string {
  const conf = readFileSync(join(DEPLOY, "prometheus/prometheus.yml"), "utf8");
  const out = conf
    .replace(/scrape_interval: \d+s/, "scrape_interval: 1s")
    .replace(
      /# targets-begin\n[\s\S]*?# targets-end/,
      `# targets-begin\n    static_configs:\n      - targets: [${targets.map((p) => `"127.0.0.1:${p}"`).join(", ")}]\n    # targets-end`,
    );
  expect(out).not.toBe(conf);
  return out;
}

describe("deploy configs", () => {
  it("pass promtool check config, check rules and the alert rule tests", () => {
    const prom = join(DEPLOY, "prometheus");
    expect(execFileSync("promtool", ["check", "config", join(prom, "prometheus.yml")], { encoding: "utf8" })).toMatch(
      /SUCCESS/,
    );
    expect(execFileSync("promtool", ["check", "rules", join(prom, "alerts.yml")], { encoding: "utf8" })).toMatch(
      /SUCCESS: 6 rules found/,
    );
    expect(execFileSync("promtool", ["test", "rules", join(prom, "alerts.test.yml")], { encoding: "utf8" })).toMatch(
      /SUCCESS/,
    );
  });

  it("pass nginx -t (the repo's nginx.conf and flakeguard.conf, upstream on loopback)", () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-nginx-t-"));
    try {
      copyFileSync(join(DEPLOY, "nginx/nginx.conf"), join(dir, "nginx.conf"));
      // `api` resolves only inside the compose network; everything else is the repo's file as it is.
      writeFileSync(
        join(dir, "flakeguard.conf"),
        readFileSync(join(DEPLOY, "nginx/flakeguard.conf"), "utf8").replace("server api:8080", "server 127.0.0.1:8080"),
      );
      // nginx -t reports on stderr and fails with a non-zero exit (execFileSync throws).
      // stdout is not a socket here, as it is not under Docker: the config opens /dev/stdout for its access log.
      execFileSync("nginx", ["-t", "-c", join(dir, "nginx.conf"), "-p", dir], {
        encoding: "utf8",
        stdio: ["ignore", "ignore", "pipe"],
      });
    } catch (e) {
      throw new Error(`nginx -t failed: ${(e as { stderr?: string }).stderr ?? e}`, { cause: e });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has a Grafana datasource, dashboard provider and a dashboard whose panels use FlakeGuard metrics", () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, "grafana/dashboards/flakeguard.json"), "utf8"));
    const exprs = dashboard.panels
      .flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr))
      .join("\n");
    for (const name of [
      "reports_ingested_total",
      "parse_failures_total",
      "ingest_duration_seconds_bucket",
      "queue_depth",
      "queue_oldest_age_seconds",
      "job_duration_seconds_bucket",
      "job_last_success_timestamp_seconds",
      "notifications_total",
      "flakeguard_tests",
      "build_info",
    ]) {
      expect(exprs).toContain(name);
    }
    expect(readFileSync(join(DEPLOY, "grafana/provisioning/datasources/prometheus.yml"), "utf8")).toContain(
      "uid: flakeguard-prometheus",
    );
    expect(readFileSync(join(DEPLOY, "grafana/provisioning/dashboards/flakeguard.yml"), "utf8")).toContain(
      "/var/lib/grafana/dashboards",
    );
  });
});

/** A report whose size puts it inline (small) or through the queue (large); the same few test names every time. */
function reportBody(i: number): { body: string; results: number } {
  const cases = [
    `<testcase classname="scale" name="steady"/>`,
    `<testcase classname="scale" name="sometimes">${i % 7 === 0 ? "<failure message='boom'/>" : ""}</testcase>`,
  ];
  // Every other report carries a long system-out: over inlineMaxBytes, so a worker processes it.
  const pad = i % 2 === 1 ? `<system-out>${"x".repeat(6000)}</system-out>` : "";
  cases.push(`<testcase classname="scale" name="padded">${pad}</testcase>`);
  return { body: `<testsuite name="scale-${i}">${cases.join("")}</testsuite>`, results: cases.length };
}

describe("scale-out on PostgreSQL + Redis behind NGINX", () => {
  const dbName = `fg_scale_${process.pid}_${randomBytes(3).toString("hex")}`;
  const prefix = `fgscale:${process.pid}:${randomBytes(3).toString("hex")}:`;
  const adminToken = `fga_${randomBytes(24).toString("base64url")}`;
  let box: Sandbox;
  let dir: string;
  let dbUrl: string;
  let db: pg.Client;
  const ports = { api1: 0, api2: 0, worker1: 0, worker2: 0, nginx: 0, prometheus: 0 };
  const replicas: Record<string, Running> = {};
  const helpers: ChildProcess[] = [];
  let base: string;
  let upload: string;

  const serve = (name: "api1" | "api2" | "worker1" | "worker2") => {
    const role = name.startsWith("api") ? "api" : "worker";
    const running = start({ ...box, env: { ...box.env, ...envFor() } }, [
      "serve",
      "--role",
      role,
      "--port",
      String(ports[name]),
      "--host",
      "127.0.0.1",
    ]);
    replicas[name] = running;
    return running;
  };
  const envFor = () => ({
    DATABASE_URL: dbUrl,
    REDIS_URL,
    FLAKEGUARD_REDIS_PREFIX: prefix,
    FLAKEGUARD_ADMIN_TOKEN: adminToken,
    FLAKEGUARD_RESCORE_SCHEDULE: "* * * * * *",
    FLAKEGUARD_INLINE_MAX_BYTES: "4096",
    FLAKEGUARD_API_RATE_LIMIT: String(API_RATE_LIMIT),
    FLAKEGUARD_LOG_LEVEL: "warn",
    // A short job lease (renewed while a job runs), so a killed worker's job is retried within seconds.
    FLAKEGUARD_JOB_LEASE_MS: "3000",
  });
  const q = async <T = Record<string, unknown>>(text: string): Promise<T[]> => (await db.query(text)).rows as T[];
  const api = (path: string, init: RequestInit & { token?: string; port?: number } = {}) =>
    fetch(init.port ? `http://127.0.0.1:${init.port}${path}` : `${base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${init.token ?? adminToken}`,
        "content-type": "application/json",
        ...(init.headers as Record<string, string>),
      },
    });

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    db = new pg.Client({ connectionString: dbUrl });
    await db.connect();

    box = sandbox();
    dir = mkdtempSync(join(tmpdir(), "fg-scale-"));
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
    // All four start together on the fresh database: one migrates under the lock, the others wait for it.
    await Promise.all((["api1", "api2", "worker1", "worker2"] as const).map((n) => waitReady(serve(n), ports[n])));

    writeFileSync(join(dir, "flakeguard.conf"), nginxConfig([ports.api1, ports.api2], ports.nginx));
    writeFileSync(join(dir, "nginx.conf"), nginxMain(dir));
    const nginx = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-p", dir], { stdio: ["ignore", "ignore", "pipe"] });
    helpers.push(nginx);
    base = `http://127.0.0.1:${ports.nginx}`;
    await until(
      async () => (await fetch(`${base}/livez`).catch(() => undefined))?.status === 200,
      10_000,
      "NGINX never proxied /livez",
    );

    const promDir = join(dir, "prometheus");
    mkdirSync(promDir);
    writeFileSync(
      join(promDir, "prometheus.yml"),
      prometheusConfig([ports.api1, ports.api2, ports.worker1, ports.worker2]),
    );
    copyFileSync(join(DEPLOY, "prometheus/alerts.yml"), join(promDir, "alerts.yml"));
    helpers.push(
      spawn(
        "prometheus",
        [
          `--config.file=${join(promDir, "prometheus.yml")}`,
          `--storage.tsdb.path=${join(promDir, "data")}`,
          `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        ],
        { stdio: "ignore" },
      ),
    );

    expect((await api("/api/v1/projects", { method: "POST", body: JSON.stringify({ slug: "scale" }) })).status).toBe(
      201,
    );
    const tok = await api("/api/v1/projects/scale/tokens", {
      method: "POST",
      body: JSON.stringify({ scope: "upload", name: "ci" }),
    });
    upload = (await tok.json()).token;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(
      Object.values(replicas).map((r) =>
        r.child.exitCode === null && r.child.signalCode === null ? stop(r).catch(() => undefined) : undefined,
      ),
    );
    for (const h of helpers) h.kill("SIGTERM");
    await db?.end().catch(() => undefined);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (box) rmSync(box.dir, { recursive: true, force: true });
  }, 60_000);

  it("shares the API rate limit: hits on replica A count on replica B", async () => {
    const tok = await api("/api/v1/projects/scale/tokens", {
      method: "POST",
      body: JSON.stringify({ scope: "upload", name: "limited" }),
    });
    const token = (await tok.json()).token as string;
    const hit = (port: number) => api("/api/v1/projects/scale/quarantine", { token, port });
    const onA: number[] = [];
    for (let i = 0; i < 20; i++) onA.push((await hit(ports.api1)).status);
    const onB: { status: number; remaining: string | null; retryAfter: string | null }[] = [];
    for (let i = 0; i < 15; i++) {
      const r = await hit(ports.api2);
      onB.push({
        status: r.status,
        remaining: r.headers.get("x-ratelimit-remaining"),
        retryAfter: r.headers.get("retry-after"),
      });
    }
    expect(onA.every((s) => s === 200)).toBe(true);
    expect(onB.map((b) => b.status)).toEqual([...Array(10).fill(200), ...Array(5).fill(429)]);
    expect(onB[0].remaining).toBe(String(API_RATE_LIMIT - 21)); // B's first request was the 21st of this token
    expect(Number(onB[14].retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("processes every acknowledged report exactly once while an api replica and a worker are killed and restarted", async () => {
    const acked = new Map<number, string>(); // report index → id, from every 2xx answer
    const answers: Record<string, number> = {};
    let next = 0;
    let killedAt = -1;
    let workerKilledAt = -1;
    const restarts: Promise<void>[] = [];
    const killAndRestart = (name: "api2" | "worker1") => {
      replicas[name].child.kill("SIGKILL");
      restarts.push(
        (async () => {
          await replicas[name].exited;
          await new Promise((r) => setTimeout(r, 1500));
          await waitReady(serve(name), ports[name]);
        })(),
      );
    };
    const send = async (i: number) => {
      const { body } = reportBody(i);
      for (let attempt = 1; ; attempt++) {
        let status: number;
        try {
          const res = await fetch(`${base}/api/v1/projects/scale/reports?commit=c${i}&run=r${i}&branch=main`, {
            method: "POST",
            headers: { authorization: `Bearer ${upload}`, "content-type": "application/xml" },
            body,
          });
          status = res.status;
          const text = await res.text();
          if (status === 201 || status === 202) {
            const id = JSON.parse(text).reports[0].id as string;
            if (acked.has(i)) expect(acked.get(i)).toBe(id); // a retry of an acknowledged upload answers with the same report
            acked.set(i, id);
            answers[status] = (answers[status] ?? 0) + 1;
            return;
          }
        } catch {
          status = -1; // the connection broke (the replica died under NGINX's feet)
        }
        answers[status] = (answers[status] ?? 0) + 1;
        if (![-1, 429, 500, 502, 503, 504].includes(status) || attempt > 30)
          throw new Error(`report ${i}: HTTP ${status} after ${attempt} attempts`);
        await new Promise((r) => setTimeout(r, 100 * Math.min(attempt, 10)));
      }
    };
    const client = async () => {
      while (next < REPORTS) {
        const i = next++;
        // Kill one api replica mid-stream, later one worker, and bring each back while uploads go on.
        if (i === 100 && killedAt < 0) {
          killedAt = i;
          killAndRestart("api2");
        }
        if (i === 200 && workerKilledAt < 0) {
          workerKilledAt = i;
          killAndRestart("worker1");
        }
        await send(i);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    await Promise.all(restarts);
    expect(acked.size).toBe(REPORTS);

    // Workers drain the queue; a job whose worker was killed comes back after its lease (3 s) and is finished by another.
    await until(
      async () =>
        Number((await q<{ n: string }>("select count(*) as n from reports where state = 'queued'"))[0].n) === 0,
      90_000,
      "queued reports left",
    );
    await until(
      async () =>
        Number(
          (
            await q<{ n: string }>(
              "select count(*) as n from jobs where kind = 'process-report' and state in ('queued', 'running')",
            )
          )[0].n,
        ) === 0,
      30_000,
      "process-report jobs left",
    );

    const ids = [...acked.values()];
    expect(new Set(ids).size).toBe(REPORTS);
    const rows = await q<{ id: string; state: string; n: string }>(
      "select r.id, r.state, (select count(*) from results x where x.report_id = r.id) as n from reports r",
    );
    expect(rows).toHaveLength(REPORTS); // nothing stored twice, nothing unacknowledged stored
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [i, id] of acked) {
      expect(byId.get(id)?.state).toBe("processed");
      expect(Number(byId.get(id)?.n)).toBe(reportBody(i).results); // results stored exactly once
    }
    const dupes = await q(
      "select report_id, test_id, attempt from results group by report_id, test_id, attempt having count(*) > 1",
    );
    expect(dupes).toEqual([]);
    const jobs = await q<{ state: string; n: string }>(
      "select state, count(*) as n from jobs where kind = 'process-report' group by state",
    );
    // One job per queued report, each done: the large half, and small ones that arrived while another upload
    // was being processed (a burst is queued and stored in batches).
    expect(jobs.map((j) => j.state)).toEqual(["done"]);
    expect(Number(jobs[0].n)).toBeGreaterThanOrEqual(REPORTS / 2);
    expect(Number(jobs[0].n)).toBeLessThanOrEqual(REPORTS);
    const retried = Number(
      (await q<{ n: string }>("select count(*) as n from jobs where kind = 'process-report' and attempts > 1"))[0].n,
    );
    console.log(
      `scale-out: ${REPORTS} reports acknowledged (answers by status: ${JSON.stringify(answers)}), ${rows.length} stored, ` +
        `${jobs[0].n} through the queue (${retried} run again after a worker died); api2 SIGKILLed at report ${killedAt}, ` +
        `worker1 at report ${workerKilledAt}, both restarted`,
    );
  });

  it("fires each schedule tick once across the two workers", async () => {
    // Ticks enqueue rescore jobs only once a project exists: wait for five of those (one a second).
    const ticksWithJobs = async () =>
      Number(
        (await q<{ n: string }>("select count(distinct payload->>'tickAt') as n from jobs where kind = 'rescore'"))[0]
          .n,
      );
    await until(async () => (await ticksWithJobs()) >= 5, 30_000, "fewer than 5 rescore ticks enqueued jobs");
    const ticks = await q<{ schedule: string; tick_at: string; fired_by: string }>(
      "select schedule, tick_at, fired_by from schedule_ticks where schedule = 'rescore'",
    );
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    const firedBy = new Set(ticks.map((t) => t.fired_by));
    // Rescore jobs queued by ingest carry no tick.
    const perTick = await q<{ tick: string; n: string }>(
      "select payload->>'tickAt' as tick, count(*) as n from jobs where kind = 'rescore' and payload->>'tickAt' is not null group by 1",
    );
    const projects = Number((await q<{ n: string }>("select count(*) as n from projects"))[0].n);
    // Every tick that fired enqueued its jobs once (one per project), whichever worker won it ...
    expect(perTick.length).toBeGreaterThanOrEqual(5);
    expect(perTick.every((t) => Number(t.n) === projects)).toBe(true);
    expect(new Set(perTick.map((t) => t.tick)).size).toBe(perTick.length);
    // ... and every tick after the project existed has its jobs (no tick was lost between the workers).
    const missing = await q(`select s.tick_at from schedule_ticks s where s.schedule = 'rescore'
      and s.tick_at > (select max(created_at) from projects) + 1000
      and not exists (select 1 from jobs j where j.kind = 'rescore' and (j.payload->>'tickAt')::bigint = s.tick_at)`);
    expect(missing).toEqual([]);
    console.log(
      `scale-out: ${ticks.length} rescore ticks, fired by ${firedBy.size} distinct schedulers, each enqueued once`,
    );
  });

  it("fans live updates out through Redis: a report processed by api2 or by a worker reaches a stream on api1", async () => {
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${ports.api1}/api/v1/stream`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    const read = async (until: (t: string) => boolean) => {
      const end = Date.now() + 20_000;
      while (!until(text) && Date.now() < end) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return until(text);
    };
    try {
      expect(await read((t) => t.includes("event: ready"))).toBe(true);
      const post = async (i: number) => {
        const r = await api(`/api/v1/projects/scale/reports?commit=live${i}`, {
          method: "POST",
          body: reportBody(i).body,
          token: upload,
          port: ports.api2,
          headers: { "content-type": "application/xml" },
        });
        return (await r.json()).reports[0].id as string;
      };
      const inline = await post(100_000); // small: processed by api2 in the request
      const queued = await post(100_001); // large: processed by a worker
      expect(await read((t) => t.includes(inline) && t.includes(queued))).toBe(true);
      expect(text).toMatch(/event: report\.processed/);
    } finally {
      abort.abort();
    }
  });

  it("is scraped by a real Prometheus with the repo's scrape config", async () => {
    const query = async (expr: string) => {
      const res = await fetch(
        `http://127.0.0.1:${ports.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`,
      ).catch(() => undefined);
      if (!res || res.status !== 200) return [];
      return (await res.json()).data.result as { metric: Record<string, string>; value: [number, string] }[];
    };
    await until(
      async () => (await query('up{job="flakeguard"} == 1')).length === 4,
      60_000,
      "Prometheus never saw the four replicas up",
    );
    const info = await query("flakeguard_build_info");
    expect(new Set(info.map((r) => r.metric.backend))).toEqual(new Set(["postgres"]));
    await until(
      async () => Number((await query("sum(flakeguard_reports_ingested_total)"))[0]?.value[1] ?? 0) > 0,
      30_000,
      "no ingested reports in Prometheus",
    );
    const depth = await query('max(flakeguard_queue_depth{state="queued"})');
    expect(depth[0]?.value[1]).toBeDefined();
  });
});

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("starting a replica", () => {
  it("refuses to start when REDIS_URL cannot be reached, naming it", async () => {
    const box = sandbox();
    try {
      const port = await freePort();
      const running = start({ ...box, env: { ...box.env, REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` } }, [
        "serve",
        "--port",
        String(await freePort()),
      ]);
      const { code } = await running.exited;
      expect(code).not.toBe(0);
      expect(running.output()).toMatch(/cannot reach Redis at redis:\/\/.*127\.0\.0\.1:\d+ \(REDIS_URL\)/);
      expect(running.output()).not.toContain("hunter2");
    } finally {
      rmSync(box.dir, { recursive: true, force: true });
    }
  });

  it("refuses --role api or worker on an embedded database, which one process locks", async () => {
    const box = sandbox();
    try {
      for (const role of ["api", "worker"]) {
        const { code, output } = await run(box, ["serve", "--role", role, "--port", String(await freePort())]);
        expect(code).toBe(1);
        expect(output).toContain(`--role ${role} needs PostgreSQL`);
      }
    } finally {
      rmSync(box.dir, { recursive: true, force: true });
    }
  });
});
