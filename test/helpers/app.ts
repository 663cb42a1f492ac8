// An in-process FlakeGuard on a fresh database, driven through Hono's fetch (no port needed).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureAdminToken } from "../../src/accounts/tokens.ts";
import { createApp, type App, type AppOptions } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/settings.ts";
import { createLogger } from "../../src/lib/log.ts";
import { freshDb, type Backend } from "./backends.ts";

/** A running app with an admin token and request helpers. */
export interface TestApp {
  app: App;
  admin: string;
  /** Sends a request; `token` defaults to the admin token, null sends none. */
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  /** Sends JSON and parses the JSON answer (loosely typed: tests assert on its shape). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Starts the app on a fresh database of `backend`, with config overrides. */
export async function startTestApp(
  backend: Backend,
  overrides: Partial<Config> = {},
  opts: {
    worker?: boolean;
    logTo?: NodeJS.WritableStream;
    clock?: () => number;
    cliClient?: AppOptions["cliClient"];
  } = {},
): Promise<TestApp> {
  const { db, cleanup } = await freshDb(backend);
  const config = { ...loadConfig({ env: {}, cwd: mkdtempSync(join(tmpdir(), "fg-cwd-")) }).config, ...overrides };
  const app = createApp({
    config,
    db,
    log: opts.logTo ? createLogger("info", opts.logTo) : createLogger("silent"),
    worker: opts.worker ?? false,
    clock: opts.clock,
    cliClient: opts.cliClient,
  });
  const admin = (await ensureAdminToken(app.store, undefined, Date.now())).generated!;
  const request = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    const token = init.token === undefined ? admin : init.token;
    if (token) headers.set("authorization", `Bearer ${token}`);
    return Promise.resolve(app.http.request(path, { ...init, headers }));
  };
  return {
    app,
    admin,
    request,
    async json(method, path, body, token) {
      const res = await request(path, {
        method,
        token,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await app.stop();
      await cleanup();
    },
  };
}
