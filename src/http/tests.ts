import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { notFound } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import type { ActiveQuarantine } from "../store/quarantine.ts";
import { currentVerdicts, mayLag, withCurrentFigures } from "../act/current-verdicts.ts";

const STATUSES = ["flaky", "broken", "healthy", "new", "quarantined"] as const;

const TestItem = z
  .object({
    id: z.string(),
    suite: z.string(),
    name: z.string(),
    file: z.string(),
    status: z.enum(["flaky", "broken", "healthy", "new"]),
    score: z.number(),
    interval: z.tuple([z.number(), z.number()]),
    failureRate: z.number(),
    runs: z.number(),
    failures: z.number(),
    lastFailureAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    variants: z
      .array(
        z.object({
          variant: z.string(),
          status: z.enum(["flaky", "broken", "healthy", "new"]),
          score: z.number(),
          failureRate: z.number(),
        }),
      )
      .openapi({ description: "verdicts per variant (k=v,…), when the test ran in several" }),
    quarantine: z
      .object({
        mode: z.enum(["mute", "skip"]),
        owner: z.string().nullable(),
        decidedBy: z.string(),
        since: z.string().nullable(),
        expiresAt: z.string().nullable(),
      })
      .nullable(),
    owner: z
      .string()
      .nullable()
      .openapi({ description: "who owns fixing it: the owner of its quarantine, when it has one" }),
  })
  .openapi("TestSummary");

const ListQuery = z.object({
  status: z.enum(STATUSES).optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(["score", "failures", "recent"]).optional(),
  variant: z
    .string()
    .max(500)
    .optional()
    .openapi({ description: "k=v[,k=v]: verdicts for one variant instead of overall" }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(500).optional(),
});

/** GET /api/v1/projects/:project/tests */
export const listTestsRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/tests",
  tags: ["tests"],
  summary: "Tests with their verdicts; filter, search, sort and page",
  security: [{ bearer: [] }],
  request: { params: ProjectParam, query: ListQuery },
  responses: {
    200: {
      description: "A page of tests",
      content: {
        "application/json": { schema: z.object({ tests: z.array(TestItem), nextCursor: z.string().nullable() }) },
      },
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: list tests. */
export const listTestsHandler =
  (d: HttpDeps): RouteHandler<typeof listTestsRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const q = c.req.valid("query");
    const sort = q.sort ?? "score";
    const limit = q.limit ?? 50;
    const after = q.cursor ? decodeCursor(q.cursor, sort) : undefined;
    const variant = q.variant ?? "";
    const items = await d.store.verdicts.listTests(project.id, {
      status: q.status === "quarantined" ? undefined : q.status,
      q: q.q,
      sort,
      variant,
      limit: limit + 1,
      after,
      quarantined: q.status === "quarantined",
    });
    const shown = items.slice(0, limit); // one more was read to know whether a next page exists
    const current = await currentVerdicts(
      d.store,
      project,
      shown.filter(mayLag).map((t) => t.id),
      d.clock(),
    );
    const page = shown.map((t) =>
      withCurrentFigures(t, variant ? current.get(t.id)?.variants[variant] : current.get(t.id)?.overall),
    );
    const last = page.at(-1);
    const pageIds = page.map((t) => t.id);
    const [variants, quarantines] = await Promise.all([
      d.store.verdicts.variantVerdicts(pageIds),
      d.store.quarantine.activeFor(pageIds),
    ]);
    const value = (t: (typeof page)[number]) =>
      sort === "score" ? t.score : sort === "failures" ? t.failures : (t.lastFailureAt ?? 0);
    return c.json(
      {
        tests: page.map((t) => ({
          id: t.id,
          suite: t.suite,
          name: t.name,
          file: t.file,
          status: t.status,
          score: t.score,
          interval: [t.low, t.high] as [number, number],
          failureRate: t.failureRate,
          runs: t.runs,
          failures: t.failures,
          lastFailureAt: iso(t.lastFailureAt),
          lastSeenAt: iso(t.lastSeenAt),
          variants: variants.get(t.id) ?? [],
          ...quarantineJson(quarantines.get(t.id)),
        })),
        nextCursor: items.length > limit && last ? encodeCursor(sort, value(last), last.id) : null,
      },
      200,
    );
  };

/** GET /api/v1/projects/:project/tests/:id */
export const getTestRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/tests/{id}",
  tags: ["tests"],
  summary: "One test: verdicts overall and per variant with their evidence, history, failure groups",
  security: [{ bearer: [] }],
  request: { params: ProjectParam.extend({ id: z.string().max(100) }) },
  responses: {
    200: {
      description: "The test",
      content: { "application/json": { schema: z.object({}).passthrough().openapi("TestDetail") } },
    },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: one test in full. */
export const getTestHandler =
  (d: HttpDeps): RouteHandler<typeof getTestRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const test = await d.store.tests.getTest(project.id, id);
    if (!test) throw notFound(`test '${id}' in project '${slug}'`);
    const [stored, histories, quarantines, cluster] = await Promise.all([
      d.store.verdicts.testVerdicts(id),
      d.store.history.observations([id], 200),
      d.store.quarantine.activeFor([id]),
      d.store.clusters.clusterOfTest(project.id, id),
    ]);
    const current = Object.values(stored).some(mayLag)
      ? (await currentVerdicts(d.store, project, [id], d.clock())).get(id)
      : undefined;
    const verdicts = Object.fromEntries(
      Object.entries(stored).map(([name, v]) => [
        name,
        mayLag(v) ? withCurrentFigures(v, name ? current?.variants[name] : current?.overall) : v,
      ]),
    );
    const history = (histories.get(id) ?? []).reverse();
    const fingerprints = new Map<string, number>();
    for (const o of history)
      if (o.fingerprint) fingerprints.set(o.fingerprint, (fingerprints.get(o.fingerprint) ?? 0) + 1);
    const { "": overall, ...variants } = verdicts;
    const groups = await d.store.failures.groupsByFingerprint(project.id, [...fingerprints.keys()]);
    return c.json(
      {
        id: test.id,
        suite: test.suite,
        name: test.name,
        file: test.file,
        firstSeenAt: iso(test.firstSeenAt),
        lastSeenAt: iso(test.lastSeenAt),
        verdict: overall ?? null,
        variants,
        ...quarantineJson(quarantines.get(id)),
        // The co-failure cluster it belongs to, if any: the cause may be shared (GET …/clusters/{id} has it all).
        cluster: cluster && { id: cluster.id, size: cluster.testIds.length, text: cluster.evidence.text },
        history: history.map((o) => ({ ...o, receivedAt: iso(o.receivedAt) })),
        // Each with its failure group's sample message and stack, so the test page needs no list of every group.
        fingerprints: [...fingerprints.entries()]
          .map(([fingerprint, count]) => {
            const g = groups.get(fingerprint);
            return {
              fingerprint,
              count,
              message: g?.message ?? null,
              stack: g?.stack ?? null,
              occurrences: g?.occurrences ?? null,
              firstSeenAt: iso(g?.firstSeenAt),
              lastSeenAt: iso(g?.lastSeenAt),
            };
          })
          .sort((a, b) => b.count - a.count),
      },
      200,
    );
  };

/** A test's active quarantine (and its owner) as the test list and detail show it. */
function quarantineJson(q: ActiveQuarantine | undefined) {
  return {
    quarantine: q
      ? { mode: q.mode, owner: q.owner, decidedBy: q.decidedBy, since: iso(q.since), expiresAt: iso(q.expiresAt) }
      : null,
    owner: q?.owner ?? null,
  };
}
