import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { embeddedMigrations, migrationStatus } from "../store/backend/migrate.ts";
import { runtimeName } from "../version.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { authErrors } from "./schemas.ts";

const About = z
  .object({
    version: z.string(),
    runtime: z.string().openapi({ example: "node 22.23.3" }),
    backend: z.enum(["sqlite", "pglite", "postgres"]),
    migrations: z.object({
      applied: z.number().openapi({ description: "migrations applied to this database" }),
      latest: z.string().nullable().openapi({ description: "the newest applied migration" }),
      pending: z.number().openapi({ description: "embedded migrations not applied yet" }),
      embedded: z.number(),
    }),
    sharedState: z.enum(["memory", "redis"]),
    startedAt: z.string(),
  })
  .openapi("About");

/** GET /api/v1/about */
export const aboutRoute = createRoute({
  method: "get",
  path: "/api/v1/about",
  tags: ["ui"],
  security: [{ bearer: [] }],
  summary: "Version, runtime, database backend, migrations and shared state (the settings page)",
  responses: {
    200: { description: "About this server", content: { "application/json": { schema: About } } },
    ...authErrors,
  },
});

/** Handler: about this server. */
export const aboutHandler = (d: HttpDeps): RouteHandler<typeof aboutRoute, HttpEnv> => {
  const startedAt = new Date(d.clock()).toISOString();
  return async (c) => {
    const status = await migrationStatus(d.store.db);
    return c.json(
      {
        version: d.version,
        runtime: runtimeName(),
        backend: d.store.db.backend,
        migrations: {
          applied: status.current.length,
          latest: status.current.at(-1) ?? null,
          pending: status.pending.length,
          embedded: embeddedMigrations(d.store.db).length,
        },
        sharedState: d.shared.kind,
        startedAt,
      },
      200,
    );
  };
};
