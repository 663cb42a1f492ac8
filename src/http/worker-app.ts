import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { errorBody, renderError } from "./errors.ts";
import { registerHealth } from "./health.ts";
import { observe } from "./middleware/observe.ts";
import { securityHeaders } from "./middleware/security-headers.ts";

/** The HTTP side of a `--role worker` process: /livez, /readyz and /metrics only; the API is the api replicas'. */
export function createWorkerHttpApp(d: HttpDeps): OpenAPIHono<HttpEnv> {
  const app = new OpenAPIHono<HttpEnv>();
  app.use("*", requestId());
  app.use("*", observe(d.log, d.metrics.http));
  app.use("*", securityHeaders());
  registerHealth(app, d);
  app.notFound((c) =>
    c.json(
      errorBody(
        "not_found",
        `this process runs --role worker: only /livez, /readyz and /metrics are served here (no route for ${c.req.method} ${c.req.path})`,
      ),
      404,
    ),
  );
  app.onError((err, c) => renderError(err, c, c.get("log") ?? d.log));
  return app;
}
