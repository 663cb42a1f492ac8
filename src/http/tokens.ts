import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { issueToken, revokeToken } from "../accounts/tokens.ts";
import { notFound } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const NewTokenSchema = z
  .object({
    scope: z.enum(["upload", "admin"]).optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .strict()
  .openapi("NewToken");

const IssuedTokenSchema = z
  .object({
    id: z.string(),
    token: z.string().openapi({ description: "The secret; shown this once, stored only as a hash." }),
    scope: z.enum(["upload", "admin"]),
    project: z.string().nullable(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string().nullable(),
  })
  .openapi("IssuedToken");

/** POST /api/v1/projects/:project/tokens */
export const createTokenRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/tokens",
  tags: ["tokens"],
  summary: "Create a token (admin); an upload token is bound to the project",
  security: [{ bearer: [] }],
  request: {
    params: ProjectParam,
    body: { required: false, content: { "application/json": { schema: NewTokenSchema } } },
  },
  responses: {
    201: {
      description: "Created; the secret is in `token`",
      content: { "application/json": { schema: IssuedTokenSchema } },
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: create a token. */
export const createTokenHandler =
  (d: HttpDeps): RouteHandler<typeof createTokenRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const body = c.req.valid("json") ?? {};
    const scope = body.scope ?? "upload";
    const issued = await issueToken(
      d.store,
      {
        scope,
        projectId: scope === "upload" ? project.id : null,
        name: body.name ?? `${scope} token`,
        actor: c.get("principal").actor,
      },
      d.clock(),
    );
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        id: issued.record.id,
        token: issued.secret,
        scope,
        project: scope === "upload" ? project.slug : null,
        name: issued.record.name,
        prefix: issued.record.prefix,
        createdAt: iso(issued.record.createdAt),
      },
      201,
    );
  };

const TokenItem = z
  .object({
    id: z.string(),
    scope: z.enum(["upload", "admin"]),
    prefix: z.string().openapi({ description: "The first characters of the secret, to recognise it" }),
    project: z.string().nullable(),
    name: z.string(),
    createdAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("TokenInfo");

/** GET /api/v1/tokens */
export const listTokensRoute = createRoute({
  method: "get",
  path: "/api/v1/tokens",
  tags: ["tokens"],
  security: [{ bearer: [] }],
  summary: "Every live token (admin): prefix and last use, never the secret or its hash",
  responses: {
    200: {
      description: "Tokens, oldest first",
      content: { "application/json": { schema: z.object({ tokens: z.array(TokenItem) }) } },
    },
    ...authErrors,
  },
});

/** Handler: list live tokens. */
export const listTokensHandler =
  (d: HttpDeps): RouteHandler<typeof listTokensRoute, HttpEnv> =>
  async (c) => {
    const [tokens, projects] = await Promise.all([d.store.tokens.listLiveTokens(), d.store.projects.listProjects()]);
    const slugs = new Map(projects.map((p) => [p.id, p.slug]));
    return c.json(
      {
        tokens: tokens.map((t) => ({
          id: t.id,
          scope: t.scope,
          prefix: t.prefix,
          project: t.projectId ? (slugs.get(t.projectId) ?? null) : null,
          name: t.name,
          createdAt: iso(t.createdAt),
          lastUsedAt: iso(t.lastUsedAt),
        })),
      },
      200,
    );
  };

/** DELETE /api/v1/tokens/:id */
export const revokeTokenRoute = createRoute({
  method: "delete",
  path: "/api/v1/tokens/{id}",
  tags: ["tokens"],
  security: [{ bearer: [] }],
  summary: "Revoke a token (admin); its later use is refused (401), sessions signed in with it end",
  request: { params: z.object({ id: z.string().max(100) }) },
  responses: { 204: { description: "Revoked" }, ...authErrors, ...notFoundResponse },
});

/** Handler: revoke a token. */
export const revokeTokenHandler =
  (d: HttpDeps): RouteHandler<typeof revokeTokenRoute, HttpEnv> =>
  async (c) => {
    const { id } = c.req.valid("param");
    if (!(await revokeToken(d.store, id, c.get("principal").actor, d.clock()))) throw notFound(`token '${id}'`);
    return c.body(null, 204);
  };
