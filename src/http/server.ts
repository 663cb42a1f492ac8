import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { AppError } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { errorBody, renderError, validationError } from "./errors.ts";
import { authenticate } from "./middleware/auth.ts";
import { observe } from "./middleware/observe.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { isPublicRoute, registerRoutes } from "./routes.ts";

/** JSON bodies of the API are small; report uploads have their own, larger limit (maxUploadBytes). */
const JSON_BODY_LIMIT = 1024 * 1024;
const jsonLimit = bodyLimit({
  maxSize: JSON_BODY_LIMIT,
  onError: () => {
    throw new AppError(
      413,
      "payload_too_large",
      `the request body is larger than the limit of ${JSON_BODY_LIMIT / 1024} KiB`,
    );
  },
});

/** Builds the HTTP application: middleware, the route table, the OpenAPI document, the UI. */
export function createHttpApp(d: HttpDeps): OpenAPIHono<HttpEnv> {
  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
  app.use("*", requestId());
  app.use("*", observe(d.log, d.metrics.http));
  app.use("*", securityHeaders());
  app.use("/api/*", authenticate(d, isPublicRoute));
  app.use("/api/*", rateLimit(d.shared.limiter, d.config, d.clock));
  app.use("/api/*", async (c, next) =>
    /\/reports\/?$/.test(c.req.path) && c.req.method === "POST" ? next() : jsonLimit(c, next),
  );
  registerRoutes(app, d);
  app.all("/api/*", (c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
  if (d.ui) app.get("*", d.ui);
  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => renderError(err, c, c.get("log") ?? d.log));
  return app;
}
