import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../lib/log.ts";
import type { HttpMetrics } from "../../metrics/http.ts";
import type { HttpEnv } from "../env.ts";

/** Logs one JSON line per request and counts it in the metrics, labelled by route pattern. */
export function observe(log: Logger, metrics: HttpMetrics): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const start = performance.now();
    const requestLog = log.child({ requestId: c.get("requestId") });
    c.set("log", requestLog);
    await next();
    const seconds = (performance.now() - start) / 1000;
    const route = c.req.routePath && c.req.routePath !== "/*" ? c.req.routePath : "unmatched";
    const status = String(c.res.status);
    metrics.requests.inc({ method: c.req.method, route, status });
    metrics.duration.observe({ method: c.req.method, route, status }, seconds);
    requestLog.info(
      { method: c.req.method, path: c.req.path, route, status: c.res.status, ms: Math.round(seconds * 1000) },
      "request",
    );
  };
}
