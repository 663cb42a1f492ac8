import { createHash } from "node:crypto";
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { quarantineTest, releaseTest } from "../act/quarantine.ts";
import { AppError } from "../lib/errors.ts";
import type { ActiveQuarantine } from "../store/quarantine.ts";
import { busPublisher } from "../shared-state/publish.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ErrorSchema, ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const Entry = z
  .object({
    testId: z.string(),
    suite: z.string(),
    name: z.string(),
    file: z.string(),
    mode: z.enum(["mute", "skip"]),
    reason: z.string(),
    owner: z.string().nullable(),
    decidedBy: z.string(),
    since: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .openapi("QuarantineEntry");
const conflict = {
  409: {
    description: "Already quarantined / not quarantined",
    content: { "application/json": { schema: ErrorSchema } },
  },
} as const;

/** An active quarantine as the API shows it. */
export const entryJson = (q: ActiveQuarantine) => ({
  testId: q.testId,
  suite: q.suite,
  name: q.name,
  file: q.file,
  mode: q.mode,
  reason: q.reason,
  owner: q.owner,
  decidedBy: q.decidedBy,
  since: iso(q.since),
  expiresAt: iso(q.expiresAt),
});

/** GET /api/v1/projects/:project/quarantine */
export const listQuarantineRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/quarantine",
  tags: ["quarantine"],
  security: [{ bearer: [] }],
  summary: "The quarantine list test runners read (upload tokens may call it); ETag, 304 on If-None-Match",
  request: { params: ProjectParam, query: z.object({ format: z.enum(["json", "text"]).optional() }) },
  responses: {
    200: {
      description: "Active quarantines (text: one suite::name a line)",
      content: {
        "application/json": { schema: z.object({ tests: z.array(Entry) }) },
        "text/plain": { schema: z.string() },
      },
    },
    304: { description: "Unchanged since the ETag sent" },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: the quarantine list, JSON or text, with an ETag of its exact body. */
export const listQuarantineHandler =
  (d: HttpDeps): RouteHandler<typeof listQuarantineRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const text = c.req.valid("query").format === "text";
    const active = await d.store.quarantine.listActive(project.id);
    const body = text
      ? active.map((q) => `${q.suite}::${q.name}\n`).join("")
      : JSON.stringify({ tests: active.map(entryJson) });
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    c.header("ETag", etag);
    c.header("Cache-Control", "no-cache");
    const sent = (c.req.header("if-none-match") ?? "").split(",").map((s) => s.trim().replace(/^W\//, ""));
    if (sent.includes(etag) || sent.includes("*")) return c.body(null, 304) as never;
    return c.body(body, 200, { "content-type": text ? "text/plain; charset=utf-8" : "application/json" }) as never;
  };

/** POST /api/v1/projects/:project/quarantine/check */
export const checkQuarantineRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/quarantine/check",
  tags: ["quarantine"],
  security: [{ bearer: [] }],
  summary: "Which of these tests (ids or suite::name) are quarantined (upload tokens may call it)",
  request: {
    params: ProjectParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ tests: z.array(z.string().min(1).max(4000)).max(20_000) })
            .strict()
            .openapi("QuarantineCheck"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The quarantined ones and the rest",
      content: {
        "application/json": {
          schema: z.object({
            quarantined: z.array(
              z.object({ test: z.string(), testId: z.string(), mode: z.enum(["mute", "skip"]), reason: z.string() }),
            ),
            notQuarantined: z.array(z.string()),
          }),
        },
      },
    },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: check tests against the active quarantines, by id or by `suite::name`. */
export const checkQuarantineHandler =
  (d: HttpDeps): RouteHandler<typeof checkQuarantineRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const active = await d.store.quarantine.listActive(project.id);
    const byKey = new Map<string, ActiveQuarantine>();
    for (const q of active) {
      byKey.set(`${q.suite}::${q.name}`, q);
      byKey.set(q.testId, q);
    }
    const quarantined: { test: string; testId: string; mode: "mute" | "skip"; reason: string }[] = [];
    const notQuarantined: string[] = [];
    for (const test of c.req.valid("json").tests) {
      const q = byKey.get(test);
      if (q) quarantined.push({ test, testId: q.testId, mode: q.mode, reason: q.reason });
      else notQuarantined.push(test);
    }
    return c.json({ quarantined, notQuarantined }, 200);
  };

/** POST /api/v1/projects/:project/quarantine */
export const addQuarantineRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/quarantine",
  tags: ["quarantine"],
  security: [{ bearer: [] }],
  summary: "Quarantine a test (member or admin)",
  request: {
    params: ProjectParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              testId: z.string().min(1).max(100),
              reason: z.string().min(1).max(2000),
              owner: z.string().max(200).nullable().optional(),
              expiresAt: z.string().datetime({ offset: true }).optional(),
              mode: z.enum(["mute", "skip"]).optional(),
            })
            .strict()
            .openapi("NewQuarantine"),
        },
      },
    },
  },
  responses: {
    201: { description: "Quarantined", content: { "application/json": { schema: Entry } } },
    ...conflict,
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: quarantine a test by hand. */
export const addQuarantineHandler =
  (d: HttpDeps): RouteHandler<typeof addQuarantineRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const body = c.req.valid("json");
    const now = d.clock();
    const expiresAt = body.expiresAt === undefined ? undefined : Date.parse(body.expiresAt);
    if (expiresAt !== undefined && expiresAt <= now)
      throw new AppError(400, "invalid_request", "body.expiresAt: must be in the future");
    const q = await quarantineTest(
      d.store,
      project,
      { testId: body.testId, reason: body.reason, owner: body.owner ?? null, expiresAt, mode: body.mode },
      c.get("principal").actor,
      now,
    );
    const test = (await d.store.tests.getTest(project.id, q.testId))!;
    busPublisher(d.shared.bus, d.log)("quarantine.changed", project.id, {
      project: project.slug,
      quarantined: [q.testId],
      released: [],
    });
    return c.json(entryJson({ ...q, suite: test.suite, name: test.name, file: test.file }), 201);
  };

/** DELETE /api/v1/projects/:project/quarantine/:testId */
export const releaseQuarantineRoute = createRoute({
  method: "delete",
  path: "/api/v1/projects/{project}/quarantine/{testId}",
  tags: ["quarantine"],
  security: [{ bearer: [] }],
  summary: "Release a test (member or admin); automation will not quarantine it again for the policy's veto period",
  request: {
    params: ProjectParam.extend({ testId: z.string().max(100) }),
    query: z.object({ reason: z.string().max(2000).optional() }),
  },
  responses: {
    200: {
      description: "Released",
      content: {
        "application/json": {
          schema: Entry.extend({ releasedAt: z.string().nullable(), vetoUntil: z.string().nullable() }),
        },
      },
    },
    ...conflict,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: release a test by hand. */
export const releaseQuarantineHandler =
  (d: HttpDeps): RouteHandler<typeof releaseQuarantineRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, testId } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const q = await releaseTest(
      d.store,
      project,
      testId,
      c.get("principal").actor,
      c.req.valid("query").reason ?? "released by hand",
      d.clock(),
    );
    const test = (await d.store.tests.getTest(project.id, q.testId))!;
    busPublisher(d.shared.bus, d.log)("quarantine.changed", project.id, {
      project: project.slug,
      quarantined: [],
      released: [q.testId],
    });
    return c.json(
      {
        ...entryJson({ ...q, suite: test.suite, name: test.name, file: test.file }),
        releasedAt: iso(q.releasedAt),
        vetoUntil: iso(q.vetoUntil),
      },
      200,
    );
  };
