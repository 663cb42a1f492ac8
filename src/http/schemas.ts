import { z } from "@hono/zod-openapi";

/** The JSON error body. */
export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string() }),
  })
  .openapi("Error");

/** A project slug in a path. */
export const ProjectParam = z.object({
  project: z.string().openapi({ param: { name: "project", in: "path" }, example: "acme-web" }),
});

/** Error responses every authenticated route may give. */
export const authErrors = {
  401: { description: "Missing, invalid or revoked token", content: { "application/json": { schema: ErrorSchema } } },
  403: { description: "The token may not do this", content: { "application/json": { schema: ErrorSchema } } },
} as const;

/** A 404 response. */
export const notFoundResponse = {
  404: { description: "Not found", content: { "application/json": { schema: ErrorSchema } } },
} as const;

/** A 400 response. */
export const badRequestResponse = {
  400: { description: "Invalid request", content: { "application/json": { schema: ErrorSchema } } },
} as const;

/** Epoch ms → ISO-8601, or null. */
export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
