import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { previewPolicy } from "../act/quarantine-preview.ts";
import { loadPolicy } from "../act/quarantine.ts";
import { parsePolicy, type Policy } from "../analyze/policy.ts";
import { AppError } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const PolicyBody = z.record(z.string(), z.unknown()).openapi("PolicyBody", {
  description:
    "Policy keys (autoQuarantine, threshold, releaseRate, minRuns, minFailures, cap, expiryDays, vetoDays, lookbackDays, window, branches, exempt, mode) or the legacy .flakeguard.yml keys",
});
const PolicyAnswer = z
  .object({
    policy: z.record(z.string(), z.unknown()),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("Policy");

/** The body parsed over the defaults, or 400 naming every bad or unknown key. */
function parseOrThrow(body: unknown, where: string): Policy {
  const parsed = parsePolicy(body);
  if (!parsed.ok) throw new AppError(400, "invalid_request", `${where}: ${parsed.errors.join("; ")}`);
  return parsed.policy;
}

/** GET /api/v1/projects/:project/policy */
export const getPolicyRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/policy",
  tags: ["quarantine"],
  security: [{ bearer: [] }],
  summary: "The project's quarantine policy (defaults for keys never set)",
  request: { params: ProjectParam },
  responses: {
    200: { description: "The policy", content: { "application/json": { schema: PolicyAnswer } } },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** PUT /api/v1/projects/:project/policy */
export const putPolicyRoute = createRoute({
  method: "put",
  path: "/api/v1/projects/{project}/policy",
  tags: ["quarantine"],
  security: [{ bearer: [] }],
  summary: "Replace the project's policy (admin); keys left out take their defaults",
  request: { params: ProjectParam, body: { required: true, content: { "application/json": { schema: PolicyBody } } } },
  responses: {
    200: { description: "The saved policy", content: { "application/json": { schema: PolicyAnswer } } },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** POST /api/v1/projects/:project/policy/preview */
export const previewPolicyRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/policy/preview",
  tags: ["quarantine"],
  security: [{ bearer: [] }],
  summary: "Which tests a policy would have quarantined over the last N days, from stored history; saves nothing",
  request: {
    params: ProjectParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              policy: PolicyBody.optional(),
              days: z.number().int().min(1).max(90).optional(),
            })
            .strict()
            .openapi("PolicyPreviewRequest"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The preview",
      content: { "application/json": { schema: z.object({}).passthrough().openapi("PolicyPreview") } },
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: the policy. */
export const getPolicyHandler =
  (d: HttpDeps): RouteHandler<typeof getPolicyRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const [policy, stored] = await Promise.all([
      loadPolicy(d.store, project.id),
      d.store.policies.getPolicy(project.id),
    ]);
    return c.json(
      { policy: { ...policy }, updatedBy: stored?.updatedBy ?? null, updatedAt: iso(stored?.updatedAt) },
      200,
    );
  };

/** Handler: save a policy; an audit event records the old and new one. */
export const putPolicyHandler =
  (d: HttpDeps): RouteHandler<typeof putPolicyRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const policy = parseOrThrow(c.req.valid("json"), "body");
    const previous = await loadPolicy(d.store, project.id);
    const actor = c.get("principal").actor;
    const now = d.clock();
    await d.store.policies.savePolicy(
      project.id,
      { ...policy },
      {
        projectId: project.id,
        kind: "policy.updated",
        actor,
        data: { policy: { ...policy }, previous: { ...previous } },
      },
      now,
    );
    return c.json({ policy: { ...policy }, updatedBy: actor, updatedAt: iso(now) }, 200);
  };

/** Handler: preview a policy (the saved one when none is given). */
export const previewPolicyHandler =
  (d: HttpDeps): RouteHandler<typeof previewPolicyRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const body = c.req.valid("json");
    const policy =
      body.policy === undefined ? await loadPolicy(d.store, project.id) : parseOrThrow(body.policy, "body.policy");
    const p = await previewPolicy(d.store, project, policy, body.days ?? 14, d.clock());
    const hit = (h: (typeof p.wouldQuarantine)[number]) => ({ ...h, at: iso(h.at) });
    return c.json(
      {
        policy: { ...policy },
        days: p.days,
        considered: p.considered,
        wouldQuarantine: p.wouldQuarantine.map(hit),
        overCap: p.overCap.map(hit),
      },
      200,
    );
  };
