import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { notFound } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const Status = z.enum(["passed", "failed", "error", "skipped"]);
const Cell = z
  .object({
    reportId: z.string(),
    run: z.string().nullable(),
    job: z.string().nullable(),
    commit: z.string().nullable(),
    branch: z.string().nullable(),
    pr: z.string().nullable(),
    variant: z.string(),
    at: z.string().nullable(),
    outcome: Status.openapi({ description: "passed when any attempt passed, else the last attempt's status" }),
    attempts: z.array(Status).openapi({ description: "every attempt in order: in-run retries show as several" }),
    incident: z.boolean().openapi({ description: "the report was an infrastructure incident" }),
  })
  .openapi("HistoryCell");

/** GET /api/v1/projects/:project/tests/:id/history */
export const testHistoryRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/tests/{id}/history",
  tags: ["ui"],
  security: [{ bearer: [] }],
  summary: "A test's history strip: one cell per report (run, commit, variant), newest first, with its attempts",
  request: {
    params: ProjectParam.extend({ id: z.string().max(100) }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }),
  },
  responses: {
    200: {
      description: "History cells",
      content: { "application/json": { schema: z.object({ cells: z.array(Cell) }) } },
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: a test's history cells. */
export const testHistoryHandler =
  (d: HttpDeps): RouteHandler<typeof testHistoryRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    if (!(await d.store.tests.getTest(project.id, id))) throw notFound(`test '${id}' in project '${slug}'`);
    const cells = await d.store.runs.historyCells(id, c.req.valid("query").limit ?? 100);
    return c.json({ cells: cells.map((x) => ({ ...x, at: iso(x.at) })) }, 200);
  };
