// One FlakeGuard executable serving on a free port for the hardening suite, with a project, an upload
// token, request helpers and the child's resident memory (VmRSS), which is what "memory bounded" means.
import { readFileSync } from "node:fs";
import { freePort, sandbox, start, stop, waitReady, type Running, type Sandbox } from "../e2e/process.ts";

/** A served executable with an admin token and an upload token for project `p`. */
export interface Served {
  box: Sandbox;
  running: Running;
  port: number;
  admin: string;
  token: string;
  /** A request to the server; `auth` defaults to the upload token, null sends none. */
  api(path: string, init?: RequestInit, auth?: string | null): Promise<Response>;
  /** The child's resident set size in bytes. */
  rss(): number;
  /** GET /readyz answers 200. */
  ready(): Promise<boolean>;
  stop(limitMs?: number): Promise<number | null>;
}

/** What `serve` can be told: extra flags, FLAKEGUARD_* environment, an existing sandbox (restart on its data). */
export interface ServeOptions {
  args?: string[];
  env?: Record<string, string>;
  box?: Sandbox;
  port?: number;
  /** Admin token to use instead of the one printed on first start (restart on existing data). */
  admin?: string;
  /** Skip creating project `p` and its token (restart on existing data); pass the token instead. */
  token?: string;
}

/** A fixed admin token, so a restarted server can be driven with the same one. */
export const ADMIN_TOKEN = "fga_hardeninghardeninghardening0123";

/** Starts `flakeguard serve` and prepares project `p` with an upload token. */
export async function serve(options: ServeOptions = {}): Promise<Served> {
  const box = options.box ?? sandbox();
  const port = options.port ?? (await freePort());
  const env = {
    ...box.env,
    FLAKEGUARD_ADMIN_TOKEN: options.admin ?? ADMIN_TOKEN,
    FLAKEGUARD_LOG_LEVEL: "warn",
    ...options.env,
  };
  const running = start({ ...box, env }, ["serve", "--port", String(port), ...(options.args ?? [])]);
  await waitReady(running, port);
  const admin = options.admin ?? ADMIN_TOKEN;
  const base = `http://127.0.0.1:${port}`;
  let token = options.token ?? "";
  const api = (path: string, init: RequestInit = {}, auth: string | null = token) => {
    const headers = new Headers(init.headers);
    if (auth) headers.set("authorization", `Bearer ${auth}`);
    return fetch(base + path, { ...init, headers });
  };
  if (!options.token) {
    const created = await api(
      "/api/v1/projects",
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"slug":"p"}' },
      admin,
    );
    if (created.status !== 201) throw new Error(`creating project p: ${created.status} ${await created.text()}`);
    token = ((await (await api("/api/v1/projects/p/tokens", { method: "POST" }, admin)).json()) as { token: string })
      .token;
  }
  return {
    box,
    running,
    port,
    admin,
    token,
    api,
    rss: () => residentBytes(running.child.pid!),
    ready: async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200,
    stop: (limitMs) => stop(running, limitMs),
  };
}

/** VmRSS of a process, in bytes. */
export function residentBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb ?? 0) * 1024;
}

/** The highest VmRSS of a process while `work` runs, sampled every 20 ms. */
export async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = residentBytes(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, residentBytes(pid));
    } catch {
      // the process is gone: the test will say so
    }
  }, 20);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, residentBytes(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/** Polls `check` until it returns true or `limitMs` passes. */
export async function eventually(check: () => Promise<boolean>, limitMs = 60_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not reached within ${limitMs} ms`);
}

/** MiB. */
export const MiB = 1024 * 1024;
