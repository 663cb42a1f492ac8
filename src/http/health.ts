import { timingSafeEqual } from "node:crypto";
import type { Hono } from "hono";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { diskProblem } from "./disk.ts";
import { errorBody } from "./errors.ts";

/**
 * /livez (the process answers), /readyz (database reachable, schema current; "degraded" with the reason
 * when the data directory's disk is full), /metrics (Prometheus; behind a bearer token when metricsToken is set).
 */
export function registerHealth(app: Hono<HttpEnv>, d: HttpDeps): void {
  app.get("/livez", (c) => c.json({ status: "ok", version: d.version }));
  app.get("/readyz", async (c) => {
    try {
      await d.ready();
      // Degraded is still 200: reads and the UI work, and restarting or unrouting the process frees no disk.
      const reason = await diskProblem(d.config.dataDir);
      if (reason) return c.json({ status: "degraded", reason, version: d.version, backend: d.store.db.backend });
      return c.json({ status: "ready", version: d.version, backend: d.store.db.backend });
    } catch (e) {
      c.header("Retry-After", "5");
      return c.json(errorBody("not_ready", (e as Error).message), 503);
    }
  });
  app.get("/metrics", async (c) => {
    if (d.config.metricsToken && !bearerMatches(c.req.header("authorization"), d.config.metricsToken)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return c.json(errorBody("unauthorized", "/metrics needs the bearer token set by metricsToken"), 401);
    }
    const body = await d.metrics.registry.metrics();
    return c.body(body, 200, { "Content-Type": d.metrics.registry.contentType });
  });
}

/** Whether an Authorization header carries exactly `token` as a bearer token (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1] ?? "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
