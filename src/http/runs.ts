import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const Run = z
  .object({
    run: z
      .string()
      .nullable()
      .openapi({ description: "CI run id; null for a report uploaded without one (then `key` is the report id)" }),
    key: z.string(),
    commit: z.string().nullable(),
    branch: z.string().nullable(),
    pr: z.string().nullable(),
    reports: z.number(),
    pending: z.number().openapi({ description: "reports still queued" }),
    tests: z.number(),
    failed: z.number(),
    flaky: z.number().openapi({ description: "tests that failed and passed on a retry" }),
    startedAt: z.string().nullable(),
    lastReportAt: z.string().nullable(),
  })
  .openapi("RunSummary");

/** GET /api/v1/projects/:project/runs */
export const listRunsRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/runs",
  tags: ["ui"],
  security: [{ bearer: [] }],
  summary: "A project's CI runs, newest first (reports grouped by run id, counts summed); keyset-paged",
  request: {
    params: ProjectParam,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).optional(),
      cursor: z.string().max(500).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of runs",
      content: { "application/json": { schema: z.object({ runs: z.array(Run), nextCursor: z.string().nullable() }) } },
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: list runs. */
export const listRunsHandler =
  (d: HttpDeps): RouteHandler<typeof listRunsRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const q = c.req.valid("query");
    const limit = q.limit ?? 20;
    const cursor = q.cursor ? decodeCursor(q.cursor, "runs") : undefined;
    const rows = await d.store.runs.listRuns(
      project.id,
      limit + 1,
      cursor && { startedAt: cursor.value, key: cursor.id },
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json(
      {
        runs: page.map((r) => ({ ...r, startedAt: iso(r.startedAt), lastReportAt: iso(r.lastReportAt) })),
        nextCursor: rows.length > limit && last ? encodeCursor("runs", last.startedAt, last.key) : null,
      },
      200,
    );
  };
