import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import {
  createIntegration,
  deleteIntegration,
  maskedConfig,
  queueTestMessage,
  updateIntegration,
} from "../notify/manage.ts";
import type { Integration } from "../store/integrations.ts";
import type { OutboxItem } from "../store/outbox.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ErrorSchema, ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const IdParam = ProjectParam.extend({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const IntegrationJson = z
  .object({
    id: z.string(),
    kind: z.string(),
    name: z.string(),
    config: z.record(z.string(), z.unknown()),
    events: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("Integration");
const IntegrationBody = z
  .object({
    kind: z.string().optional().openapi({ description: "slack or webhook (required on create)" }),
    name: z.string().max(200).optional(),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "slack: {webhookUrl} or {token, channel}; webhook: {url, secret?}" }),
    events: z.array(z.string()).max(50).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi("IntegrationInput");
const DeliveryJson = z
  .object({
    id: z.string(),
    integrationId: z.string(),
    channel: z.string(),
    eventType: z.string(),
    eventKey: z.string(),
    status: z.enum(["pending", "sending", "sent", "failed"]),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    test: z.object({ id: z.string(), suite: z.string(), name: z.string() }).nullable(),
  })
  .openapi("Delivery");
const conflict = {
  409: { description: "The integration is disabled", content: { "application/json": { schema: ErrorSchema } } },
} as const;
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

/** An integration as the API shows it: secrets masked. */
export const integrationJson = (i: Integration, unmasked = false) => ({
  id: i.id,
  kind: i.kind,
  name: i.name,
  config: unmasked ? i.config : maskedConfig(i),
  events: i.events,
  enabled: i.enabled,
  createdAt: iso(i.createdAt),
  updatedAt: iso(i.updatedAt),
});

/** A notification as the deliveries view shows it. */
export const deliveryJson = (o: OutboxItem) => {
  const test = (o.payload as { test?: { id: string; suite: string; name: string } }).test;
  return {
    id: o.id,
    integrationId: o.integrationId,
    channel: o.channel,
    eventType: o.eventType,
    eventKey: o.eventKey,
    status: o.status,
    attempts: o.attempts,
    nextAttemptAt: o.status === "pending" ? iso(o.nextAttemptAt) : null,
    lastStatus: o.lastStatus,
    lastError: o.lastError,
    createdAt: iso(o.createdAt),
    sentAt: iso(o.sentAt),
    test: test ? { id: test.id, suite: test.suite, name: test.name } : null,
  };
};

/** GET /api/v1/projects/:project/integrations */
export const listIntegrationsRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/integrations",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  summary: "The project's Slack channels and webhooks (secrets masked)",
  request: { params: ProjectParam },
  responses: {
    200: { description: "Integrations", content: json(z.object({ integrations: z.array(IntegrationJson) })) },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** POST /api/v1/projects/:project/integrations */
export const createIntegrationRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/integrations",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  summary:
    "Add a Slack channel or a webhook; the answer shows the config once unmasked (a generated webhook secret only here)",
  request: { params: ProjectParam, body: { required: true, content: json(IntegrationBody) } },
  responses: {
    201: { description: "Created", content: json(IntegrationJson) },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** PATCH /api/v1/projects/:project/integrations/:id */
export const updateIntegrationRoute = createRoute({
  method: "patch",
  path: "/api/v1/projects/{project}/integrations/{id}",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  summary: "Change an integration; secrets left out or sent back masked keep their value",
  request: { params: IdParam, body: { required: true, content: json(IntegrationBody) } },
  responses: {
    200: { description: "Updated", content: json(IntegrationJson) },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** DELETE /api/v1/projects/:project/integrations/:id */
export const deleteIntegrationRoute = createRoute({
  method: "delete",
  path: "/api/v1/projects/{project}/integrations/{id}",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  summary: "Remove an integration and its queued notifications",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...authErrors, ...notFoundResponse },
});

/** POST /api/v1/projects/:project/integrations/:id/test */
export const testIntegrationRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/integrations/{id}/test",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  summary: "Queue a test message; follow it in the deliveries",
  request: { params: IdParam },
  responses: {
    202: { description: "Queued", content: json(z.object({ delivery: DeliveryJson })) },
    ...authErrors,
    ...notFoundResponse,
    ...conflict,
  },
});

/** GET /api/v1/projects/:project/deliveries */
export const listDeliveriesRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/deliveries",
  tags: ["notifications"],
  security: [{ bearer: [] }],
  summary: "Notifications and their delivery state, newest first, with counts per state",
  request: {
    params: ProjectParam,
    query: z.object({
      status: z.enum(["pending", "sending", "sent", "failed"]).optional(),
      integration: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      cursor: z.string().optional(),
    }),
  },
  responses: {
    200: {
      description: "Deliveries",
      content: json(
        z.object({
          deliveries: z.array(DeliveryJson),
          counts: z.record(z.string(), z.number()),
          nextCursor: z.string().nullable(),
        }),
      ),
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: list integrations. */
export const listIntegrationsHandler =
  (d: HttpDeps): RouteHandler<typeof listIntegrationsRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    return c.json(
      { integrations: (await d.store.integrations.listIntegrations(project.id)).map((i) => integrationJson(i)) },
      200,
    );
  };

/** Handler: create an integration. */
export const createIntegrationHandler =
  (d: HttpDeps): RouteHandler<typeof createIntegrationRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const i = await createIntegration(d.store, project, c.req.valid("json"), c.get("principal").actor, d.clock());
    return c.json(integrationJson(i, true), 201);
  };

/** Handler: update an integration. */
export const updateIntegrationHandler =
  (d: HttpDeps): RouteHandler<typeof updateIntegrationRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const i = await updateIntegration(d.store, project, id, c.req.valid("json"), c.get("principal").actor, d.clock());
    return c.json(integrationJson(i), 200);
  };

/** Handler: delete an integration. */
export const deleteIntegrationHandler =
  (d: HttpDeps): RouteHandler<typeof deleteIntegrationRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    await deleteIntegration(d.store, project, id, c.get("principal").actor, d.clock());
    return c.body(null, 204);
  };

/** Handler: queue a test message. */
export const testIntegrationHandler =
  (d: HttpDeps): RouteHandler<typeof testIntegrationRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const row = await queueTestMessage(d.store, project, id, c.get("principal").actor, d.clock());
    return c.json({ delivery: deliveryJson(row) }, 202);
  };

/** Handler: the deliveries view. */
export const listDeliveriesHandler =
  (d: HttpDeps): RouteHandler<typeof listDeliveriesRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const q = c.req.valid("query");
    const limit = q.limit ?? 50;
    const [rows, counts] = await Promise.all([
      d.store.outbox.listDeliveries(project.id, {
        status: q.status,
        integrationId: q.integration,
        limit: limit + 1,
        before: q.cursor,
      }),
      d.store.outbox.countByStatus(project.id),
    ]);
    const page = rows.slice(0, limit);
    return c.json(
      { deliveries: page.map(deliveryJson), counts, nextCursor: rows.length > limit ? page[page.length - 1].id : null },
      200,
    );
  };
