/** The route table's rows: a route, who may call it (src/auth/access.ts), and how to register it. */
import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Handler } from "hono";
import { ACCESS_RULES, type Access } from "../auth/access.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { guard } from "./middleware/auth.ts";

/** One row of the route table. */
export interface RouteRule {
  method: string;
  /** Hono path syntax (`/api/v1/projects/:project`). */
  path: string;
  access: Access;
  register(app: OpenAPIHono<HttpEnv>, d: HttpDeps): void;
}

const honoPath = (openapiPath: string) => openapiPath.replaceAll(/\/{(.+?)}/g, "/:$1");
const checked = (access: Access) => {
  if (!ACCESS_RULES.includes(access)) throw new Error(`unknown access rule '${access}'`);
  return access;
};

/** A row for an OpenAPI route (createRoute + handler factory), callable by `access`. */
export function api<R extends RouteConfig>(
  access: Access,
  route: R,
  handler: (d: HttpDeps) => RouteHandler<R, HttpEnv>,
): RouteRule {
  return {
    method: route.method.toUpperCase(),
    path: honoPath(route.path),
    access: checked(access),
    register: (app, d) => {
      const middleware = [guard(d, access), ...[route.middleware ?? []].flat()];
      app.openapi({ ...route, middleware } as R, handler(d));
    },
  };
}

/** A row for a plain Hono handler (streams, raw bodies such as signed webhooks), callable by `access`. */
export function plain(
  access: Access,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  handler: (d: HttpDeps) => Handler<HttpEnv>,
): RouteRule {
  return {
    method,
    path,
    access: checked(access),
    register: (app, d) => {
      app.on(method, path, guard(d, access), handler(d));
    },
  };
}

/** Whether a request is for a public row (exact paths: public routes take no path parameters). */
export function publicMatcher(rows: readonly RouteRule[]): (method: string, path: string) => boolean {
  const open = new Set(rows.filter((r) => r.access === "public").map((r) => `${r.method} ${r.path}`));
  for (const r of rows)
    if (r.access === "public" && r.path.includes(":"))
      throw new Error(`public route ${r.path} may not take path parameters`);
  return (method, path) =>
    open.has(`${method} ${path.replace(/\/+$/, "") || "/"}`) || (method === "HEAD" && open.has(`GET ${path}`));
}

/** The row of the OpenAPI document itself (every route registered through `api` is in it). */
export function openApiDocument(access: Access, path: string): RouteRule {
  return {
    method: "GET",
    path,
    access: checked(access),
    register: (app, d) => {
      app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
      app.openAPIRegistry.registerComponent("securitySchemes", "session", {
        type: "apiKey",
        in: "cookie",
        name: "fg_session",
        description: "Set by POST /api/v1/session; POST/PUT/PATCH/DELETE also need the X-CSRF-Token header",
      });
      app.doc(path, {
        openapi: "3.0.3",
        info: {
          title: "FlakeGuard API",
          version: d.version,
          description: "Finds, explains and quarantines flaky tests.",
        },
      });
    },
  };
}
