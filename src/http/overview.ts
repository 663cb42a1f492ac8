import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { authErrors, badRequestResponse, iso } from "./schemas.ts";

const Counts = z.object({ tests: z.number(), flaky: z.number(), broken: z.number(), quarantined: z.number() });
const TrendDay = z.object({
  day: z.string().openapi({ example: "2026-11-27" }),
  flaky: z
    .number()
    .nullable()
    .openapi({ description: "null before the first daily snapshot (the hourly rescore writes them)" }),
  broken: z.number().nullable(),
  quarantined: z.number(),
  failures: z.number().openapi({ description: "failed and errored tests in the day's reports" }),
});
const Incident = z.object({
  id: z.string(),
  projectId: z.string(),
  project: z.string(),
  reportId: z.string(),
  run: z.string().nullable(),
  job: z.string().nullable(),
  commit: z.string().nullable(),
  cause: z.string().nullable(),
  reason: z.string(),
  failing: z.number(),
  total: z.number(),
  createdAt: z.string().nullable(),
});
const Overview = z
  .object({
    projects: z.array(
      z.object({ id: z.string(), slug: z.string(), name: z.string(), counts: Counts, trend: z.array(TrendDay) }),
    ),
    incidents: z.array(Incident),
  })
  .openapi("Overview");

/** GET /api/v1/overview */
export const overviewRoute = createRoute({
  method: "get",
  path: "/api/v1/overview",
  tags: ["ui"],
  security: [{ bearer: [] }],
  summary: "Every visible project with its flaky, broken and quarantined counts, the daily trend, and recent incidents",
  request: {
    query: z.object({
      days: z.coerce
        .number()
        .int()
        .min(1)
        .max(90)
        .optional()
        .openapi({ description: "trend length in days, today included (default 30)" }),
      incidents: z.coerce
        .number()
        .int()
        .min(0)
        .max(100)
        .optional()
        .openapi({ description: "how many recent incidents (default 10)" }),
    }),
  },
  responses: {
    200: { description: "The overview", content: { "application/json": { schema: Overview } } },
    ...badRequestResponse,
    ...authErrors,
  },
});

/** Handler: the overview page's data in one answer. */
export const overviewHandler =
  (d: HttpDeps): RouteHandler<typeof overviewRoute, HttpEnv> =>
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    const all = await d.store.projects.listProjects();
    // An upload token sees its own project; every other principal reads all of them.
    const projects = p.kind === "upload" ? all.filter((x) => x.id === p.projectId) : all;
    const ids = projects.map((x) => x.id);
    const now = d.clock();
    const counts = await d.store.overview.counts(ids);
    const [trend, incidents] = await Promise.all([
      d.store.overview.trend(ids, now, q.days ?? 30, counts),
      d.store.overview.recentIncidents(ids, q.incidents ?? 10),
    ]);
    return c.json(
      {
        projects: projects.map((x) => ({
          id: x.id,
          slug: x.slug,
          name: x.name,
          counts: counts.get(x.id)!,
          trend: trend.get(x.id) ?? [],
        })),
        incidents: incidents.map((i) => ({ ...i, createdAt: iso(i.createdAt) })),
      },
      200,
    );
  };
