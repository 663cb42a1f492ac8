import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const Event = z
  .object({
    id: z.number(),
    kind: z.string().openapi({ example: "quarantine.added" }),
    actor: z.string(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string().nullable(),
  })
  .openapi("AuditEvent");

/** GET /api/v1/projects/:project/events */
export const listEventsRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/events",
  tags: ["ui"],
  security: [{ bearer: [] }],
  summary: "The project's audit trail, newest first; `test` narrows it to one test's events",
  request: {
    params: ProjectParam,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).optional(),
      test: z.string().max(100).optional(),
    }),
  },
  responses: {
    200: {
      description: "Audit events",
      content: { "application/json": { schema: z.object({ events: z.array(Event) }) } },
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: the audit trail of a project or of one of its tests. */
export const listEventsHandler =
  (d: HttpDeps): RouteHandler<typeof listEventsRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const q = c.req.valid("query");
    const limit = q.limit ?? 100;
    const events = q.test
      ? await d.store.events.listTestEvents(project.id, q.test, limit)
      : await d.store.events.listEvents(project.id, limit);
    return c.json(
      {
        events: events.map((e) => ({
          id: e.id,
          kind: e.kind,
          actor: e.actor,
          data: e.data,
          createdAt: iso(e.createdAt),
        })),
      },
      200,
    );
  };
