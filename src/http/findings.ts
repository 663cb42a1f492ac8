import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { runVerdict } from "../act/run-verdict.ts";
import { notFound } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, iso, notFoundResponse } from "./schemas.ts";

const Limit = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });
const loose = (name: string) => z.object({}).passthrough().openapi(name);

/** GET /api/v1/projects/:project/failures */
export const listFailuresRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/failures",
  tags: ["detection"],
  summary: "Failure groups: failures by normalised message and stack, with counts and the tests sharing them",
  security: [{ bearer: [] }],
  request: { params: ProjectParam, query: Limit },
  responses: {
    200: { description: "Failure groups", content: { "application/json": { schema: loose("FailureGroups") } } },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** GET /api/v1/projects/:project/incidents */
export const listIncidentsRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/incidents",
  tags: ["detection"],
  summary: "Infrastructure incidents: reports where most tests failed together, with their cause",
  security: [{ bearer: [] }],
  request: { params: ProjectParam, query: Limit },
  responses: {
    200: { description: "Incidents", content: { "application/json": { schema: loose("Incidents") } } },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** GET /api/v1/projects/:project/runs/:run/verdict */
export const runVerdictRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/runs/{run}/verdict",
  tags: ["detection"],
  summary: "Per-failure verdicts for one CI run: known-flaky, quarantined, new-failure or incident",
  security: [{ bearer: [] }],
  request: { params: ProjectParam.extend({ run: z.string().max(200) }) },
  responses: {
    200: {
      description: "The run's failures, classified",
      content: { "application/json": { schema: loose("RunVerdict") } },
    },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: failure groups. */
export const listFailuresHandler =
  (d: HttpDeps): RouteHandler<typeof listFailuresRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const groups = await d.store.failures.listFailureGroups(project.id, c.req.valid("query").limit ?? 100);
    return c.json(
      { failures: groups.map((g) => ({ ...g, firstSeenAt: iso(g.firstSeenAt), lastSeenAt: iso(g.lastSeenAt) })) },
      200,
    );
  };

/** Handler: incidents. */
export const listIncidentsHandler =
  (d: HttpDeps): RouteHandler<typeof listIncidentsRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const incidents = await d.store.incidents.listIncidents(project.id, c.req.valid("query").limit ?? 100);
    return c.json({ incidents: incidents.map((i) => ({ ...i, createdAt: iso(i.createdAt) })) }, 200);
  };

/** Handler: the verdict on each failure of a CI run. */
export const runVerdictHandler =
  (d: HttpDeps): RouteHandler<typeof runVerdictRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, run } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const verdict = await runVerdict(d.store, project.id, run);
    if (!verdict) throw notFound(`run '${run}' in project '${slug}'`);
    return c.json(verdict, 200);
  };
