import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { quarantineCluster, releaseCluster, type ClusterAction } from "../act/cluster-quarantine.ts";
import { notFound } from "../lib/errors.ts";
import type { Cluster } from "../model/cluster.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";
import { busPublisher } from "../shared-state/publish.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ErrorSchema, ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const Member = z.object({
  id: z.string(),
  suite: z.string(),
  name: z.string(),
  file: z.string(),
  status: z.enum(["healthy", "flaky", "broken", "new"]).nullable(),
  quarantined: z.boolean(),
});
const Place = z.object({ kind: z.enum(["variant", "job", "hours"]), value: z.string(), reports: z.number().int() });
const ClusterJson = z
  .object({
    id: z.string(),
    tests: z.array(Member),
    coFailures: z.number().int().openapi({ description: "Reports where two or more members failed" }),
    failures: z.number().int().openapi({ description: "Reports where any member failed" }),
    evidence: z.object({
      text: z.string().openapi({ description: "The cluster in plain words" }),
      size: z.number().int(),
      suites: z.number().int(),
      coFailures: z.number().int(),
      failures: z.number().int(),
      weight: z.number().openapi({ description: "Co-failures weighted by age (halving every 14 days)" }),
      lastCoFailureAt: z.string().nullable(),
      fingerprints: z.array(
        z.object({ fingerprint: z.string(), message: z.string().nullable(), reports: z.number().int() }),
      ),
      where: z.array(Place),
    }),
    foundAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("Cluster");
const ClusterParams = ProjectParam.extend({ id: z.string().max(100) });
const Acted = z
  .object({ cluster: z.string(), changed: z.array(z.string()), unchanged: z.array(z.string()) })
  .openapi("ClusterAction");
const conflict = {
  409: { description: "No member to act on", content: { "application/json": { schema: ErrorSchema } } },
} as const;

/** Clusters as the API shows them: members named, with their status and whether they are quarantined. */
export async function clustersJson(store: Store, project: Project, clusters: Cluster[]) {
  const ids = [...new Set(clusters.flatMap((c) => c.testIds))];
  const [names, statuses, held] = await Promise.all([
    store.quarantine.identities(project.id, ids),
    store.verdicts.overallStatuses(ids),
    store.quarantine.activeFor(ids),
  ]);
  return clusters.map((c) => ({
    id: c.id,
    tests: c.testIds.map((id) => ({
      id,
      suite: names.get(id)?.suite ?? "",
      name: names.get(id)?.name ?? "",
      file: names.get(id)?.file ?? "",
      status: statuses.get(id) ?? null,
      quarantined: held.has(id),
    })),
    coFailures: c.coFailures,
    failures: c.failures,
    evidence: { ...c.evidence, lastCoFailureAt: iso(c.evidence.lastCoFailureAt) },
    foundAt: iso(c.foundAt),
    updatedAt: iso(c.updatedAt),
  }));
}

/** GET /api/v1/projects/:project/clusters */
export const listClustersRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/clusters",
  tags: ["detection"],
  summary: "Clusters: flaky tests that fail together in the same reports far more often than chance (one cause to fix)",
  security: [{ bearer: [] }],
  request: { params: ProjectParam },
  responses: {
    200: {
      description: "The project's clusters, largest first",
      content: { "application/json": { schema: z.object({ clusters: z.array(ClusterJson) }) } },
    },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** GET /api/v1/projects/:project/clusters/:id */
export const getClusterRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/clusters/{id}",
  tags: ["detection"],
  summary: "One cluster: its members, how often they failed together and alone, shared failures, where",
  security: [{ bearer: [] }],
  request: { params: ClusterParams },
  responses: {
    200: { description: "The cluster", content: { "application/json": { schema: ClusterJson } } },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** POST /api/v1/projects/:project/clusters/:id/quarantine */
export const quarantineClusterRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/clusters/{id}/quarantine",
  tags: ["quarantine"],
  summary: "Quarantine every member of a cluster not quarantined yet, with one reason and owner (member or admin)",
  security: [{ bearer: [] }],
  request: {
    params: ClusterParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              reason: z.string().min(1).max(2000),
              owner: z.string().max(200).nullable().optional(),
              mode: z.enum(["mute", "skip"]).optional(),
            })
            .strict()
            .openapi("ClusterQuarantine"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Quarantined (changed) and already quarantined (unchanged)",
      content: { "application/json": { schema: Acted } },
    },
    ...conflict,
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** POST /api/v1/projects/:project/clusters/:id/release */
export const releaseClusterRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/clusters/{id}/release",
  tags: ["quarantine"],
  summary: "Release every quarantined member of a cluster, with one reason (member or admin)",
  security: [{ bearer: [] }],
  request: {
    params: ClusterParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ reason: z.string().min(1).max(2000) })
            .strict()
            .openapi("ClusterRelease"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Released (changed) and not quarantined (unchanged)",
      content: { "application/json": { schema: Acted } },
    },
    ...conflict,
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: the project's clusters. */
export const listClustersHandler =
  (d: HttpDeps): RouteHandler<typeof listClustersRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const clusters = await d.store.clusters.listClusters(project.id);
    return c.json({ clusters: await clustersJson(d.store, project, clusters) }, 200);
  };

/** Handler: one cluster. */
export const getClusterHandler =
  (d: HttpDeps): RouteHandler<typeof getClusterRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const cluster = await d.store.clusters.getCluster(project.id, id);
    if (!cluster) throw notFound(`cluster '${id}' in project '${slug}'`);
    const [json] = await clustersJson(d.store, project, [cluster]);
    return c.json(json, 200);
  };

/** Handler: quarantine a cluster's members. */
export const quarantineClusterHandler =
  (d: HttpDeps): RouteHandler<typeof quarantineClusterRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const { reason, owner, mode } = c.req.valid("json");
    const done = await quarantineCluster(
      d.store,
      project,
      id,
      { reason, owner: owner ?? null, mode },
      c.get("principal").actor,
      d.clock(),
    );
    return c.json(announce(d, project, done, "quarantined"), 200);
  };

/** Handler: release a cluster's members. */
export const releaseClusterHandler =
  (d: HttpDeps): RouteHandler<typeof releaseClusterRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const done = await releaseCluster(
      d.store,
      project,
      id,
      c.req.valid("json").reason,
      c.get("principal").actor,
      d.clock(),
    );
    return c.json(announce(d, project, done, "released"), 200);
  };

// The UI's live stream hears of the change, as for one test.
function announce(d: HttpDeps, project: Project, done: ClusterAction, kind: "quarantined" | "released") {
  busPublisher(d.shared.bus, d.log)("quarantine.changed", project.id, {
    project: project.slug,
    quarantined: kind === "quarantined" ? done.changed : [],
    released: kind === "released" ? done.changed : [],
  });
  return { cluster: done.cluster.id, changed: done.changed, unchanged: done.unchanged };
}
