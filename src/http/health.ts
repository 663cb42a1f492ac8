import type { Hono } from "hono";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { errorBody } from "./errors.ts";

/** /livez (the process answers), /readyz (database reachable, schema current), /metrics (Prometheus). */
export function registerHealth(app: Hono<HttpEnv>, d: HttpDeps): void {
  app.get("/livez", (c) => c.json({ status: "ok", version: d.version }));
  app.get("/readyz", async (c) => {
    try {
      await d.ready();
      return c.json({ status: "ready", version: d.version, backend: d.store.db.backend });
    } catch (e) {
      c.header("Retry-After", "5");
      return c.json(errorBody("not_ready", (e as Error).message), 503);
    }
  });
  app.get("/metrics", async (c) => {
    const body = await d.metrics.registry.metrics();
    return c.body(body, 200, { "Content-Type": d.metrics.registry.contentType });
  });
}
