import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { reportProgress, type ReportProgress } from "../act/progress.ts";
import { canonicalVariant } from "../ingest/identity.ts";
import { AppError, notFound } from "../lib/errors.ts";
import type { ReportRecord } from "../model/ingest.ts";
import type { ReportFormat } from "../model/report.ts";
import { readUpload } from "./body.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ErrorSchema, ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const FORMATS = ["auto", "junit", "ctrf", "trx", "nunit", "xunit"] as const;

const UploadQuery = z.object({
  commit: z.string().max(200).optional(),
  branch: z.string().max(500).optional(),
  pr: z.string().max(50).optional(),
  run: z.string().max(200).optional(),
  job: z.string().max(500).optional(),
  attempt: z.coerce.number().int().min(1).max(1000).optional(),
  variant: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description: "k=v, repeatable (variant=os=linux&variant=node=20)" }),
  format: z.enum(FORMATS).optional(),
});

const UploadResult = z
  .object({
    reports: z.array(
      z.object({
        id: z.string(),
        status: z.enum(["processed", "queued"]),
        duplicate: z.boolean(),
        format: z.string(),
        counts: z.record(z.string(), z.number()).optional(),
      }),
    ),
  })
  .openapi("UploadResult");

const errorContent = { content: { "application/json": { schema: ErrorSchema } } };

/** POST /api/v1/projects/:project/reports */
export const uploadReportRoute = createRoute({
  method: "post",
  path: "/api/v1/projects/{project}/reports",
  tags: ["reports"],
  summary: "Upload one report (raw body, any format, gzip accepted) or several (multipart)",
  security: [{ bearer: [] }],
  request: { params: ProjectParam, query: UploadQuery },
  responses: {
    201: { description: "Stored and processed", content: { "application/json": { schema: UploadResult } } },
    202: { description: "Stored; queued for processing", content: { "application/json": { schema: UploadResult } } },
    413: { description: "Too large", ...errorContent },
    415: { description: "Not a supported report format or encoding", ...errorContent },
    422: { description: "A report that cannot be parsed", ...errorContent },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

const ReportSchema = z
  .object({
    id: z.string(),
    state: z.enum(["queued", "processed", "failed"]),
    format: z.string().nullable(),
    counts: z.record(z.string(), z.number()).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    commit: z.string().nullable(),
    branch: z.string().nullable(),
    pr: z.string().nullable(),
    run: z.string().nullable(),
    job: z.string().nullable(),
    attempt: z.number(),
    variant: z.record(z.string(), z.string()),
    filename: z.string().nullable(),
    size: z.number(),
    receivedAt: z.string().nullable(),
    processedAt: z.string().nullable(),
    stage: z.enum(["queued", "parsing", "stored", "scoring", "settled", "failed"]).openapi({
      description:
        "where the report is on its way to final verdicts: queued → parsing → stored → scoring → settled, or failed",
    }),
    scoring: z
      .object({ done: z.number(), total: z.number() })
      .nullable()
      .openapi({ description: "while scoring: tests scored so far, and in all, by the project's running rescore" }),
    reason: z.string().nullable().openapi({ description: "while failed: why" }),
  })
  .openapi("Report");

/** GET /api/v1/projects/:project/reports/:id */
export const getReportRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}/reports/{id}",
  tags: ["reports"],
  summary: "A report and its processing state",
  security: [{ bearer: [] }],
  request: { params: ProjectParam.extend({ id: z.string().max(100) }) },
  responses: {
    200: { description: "The report", content: { "application/json": { schema: ReportSchema } } },
    ...authErrors,
    ...notFoundResponse,
  },
});

function variantPairs(v: string | string[] | undefined): string {
  const pairs = v === undefined ? [] : Array.isArray(v) ? v : [v];
  for (const p of pairs) {
    if (!/^[^=,\s]+=[^,]*$/.test(p))
      throw new AppError(400, "invalid_request", `query.variant: '${p}' must be key=value`);
  }
  return canonicalVariant(pairs);
}

/** Handler: upload reports. */
export const uploadReportHandler =
  (d: HttpDeps): RouteHandler<typeof uploadReportRoute, HttpEnv> =>
  async (c) => {
    const q = c.req.valid("query");
    const variant = variantPairs(c.req.queries("variant") ?? q.variant);
    // Waits its turn before it touches the database (or 429), so a burst never waits on the pool itself.
    return d.uploadAdmission.run(async () => {
      const project = await loadProject(d.store, c, c.req.valid("param").project);
      // The upload's decompressed bytes count against the shared budget until it is answered.
      const lease = d.uploadBudget.lease();
      try {
        const files = await readUpload(c.req.raw, d.config.maxUploadBytes, d.config.maxUploadParts, lease);
        const format = q.format && q.format !== "auto" ? (q.format as ReportFormat) : undefined;
        const meta = {
          commit: q.commit ?? null,
          branch: q.branch ?? null,
          pr: q.pr ?? null,
          run: q.run ?? null,
          job: q.job ?? null,
          attempt: q.attempt ?? 1,
          variant,
        };
        const outcomes = await d.uploads.receive(project, files, meta, format, { prComment: true });
        const queued = outcomes.some((o) => o.status === "queued");
        return c.json({ reports: outcomes }, queued ? 202 : 201);
      } finally {
        lease.release();
      }
    });
  };

/** The report as the API shows it, with its progress. */
export function reportJson(r: ReportRecord, progress: ReportProgress) {
  const variant = Object.fromEntries(
    r.variant ? r.variant.split(",").map((kv) => kv.split("=", 2) as [string, string]) : [],
  );
  return {
    id: r.id,
    state: r.state,
    format: r.format,
    counts: r.counts,
    error: r.error,
    commit: r.commit,
    branch: r.branch,
    pr: r.pr,
    run: r.run,
    job: r.job,
    attempt: r.attempt,
    variant,
    filename: r.filename,
    size: r.rawSize,
    receivedAt: iso(r.receivedAt),
    processedAt: iso(r.processedAt),
    ...progress,
  };
}

/** Handler: one report. */
export const getReportHandler =
  (d: HttpDeps): RouteHandler<typeof getReportRoute, HttpEnv> =>
  async (c) => {
    const { project: slug, id } = c.req.valid("param");
    const project = await loadProject(d.store, c, slug);
    const report = await d.store.reports.getReport(project.id, id);
    if (!report) throw notFound(`report '${id}' in project '${slug}'`);
    return c.json(reportJson(report, await reportProgress(d.store, report, d.clock())), 200);
  };
