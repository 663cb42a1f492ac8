import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { issueToken } from "../act/tokens.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const NewTokenSchema = z.object({
  scope: z.enum(["upload", "admin"]).optional(),
  name: z.string().min(1).max(200).optional(),
}).strict().openapi("NewToken");

const IssuedTokenSchema = z.object({
  id: z.string(),
  token: z.string().openapi({ description: "The secret; shown this once, stored only as a hash." }),
  scope: z.enum(["upload", "admin"]),
  project: z.string().nullable(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string().nullable(),
}).openapi("IssuedToken");

/** POST /api/v1/projects/:project/tokens */
export const createTokenRoute = createRoute({
  method: "post", path: "/api/v1/projects/{project}/tokens", tags: ["tokens"],
  summary: "Create a token (admin); an upload token is bound to the project",
  security: [{ bearer: [] }],
  request: { params: ProjectParam, body: { required: false, content: { "application/json": { schema: NewTokenSchema } } } },
  responses: {
    201: { description: "Created; the secret is in `token`", content: { "application/json": { schema: IssuedTokenSchema } } },
    ...badRequestResponse, ...authErrors, ...notFoundResponse,
  },
});

/** Handler: create a token. */
export const createTokenHandler = (d: HttpDeps): RouteHandler<typeof createTokenRoute, HttpEnv> => async (c) => {
  const project = await loadProject(d.store, c, c.req.valid("param").project);
  const body = c.req.valid("json") ?? {};
  const scope = body.scope ?? "upload";
  const issued = await issueToken(d.store, {
    scope, projectId: scope === "upload" ? project.id : null, name: body.name ?? `${scope} token`,
    actor: c.get("principal").actor,
  }, d.clock());
  c.header("Cache-Control", "no-store");
  return c.json({
    id: issued.record.id, token: issued.secret, scope, project: scope === "upload" ? project.slug : null,
    name: issued.record.name, prefix: issued.record.prefix, createdAt: iso(issued.record.createdAt),
  }, 201);
};
