import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { registerHealth } from "./health.ts";
import {
  createProjectHandler, createProjectRoute, getProjectHandler, getProjectRoute, listProjectsHandler, listProjectsRoute,
} from "./projects.ts";
import {
  listFailuresHandler, listFailuresRoute, listIncidentsHandler, listIncidentsRoute, runVerdictHandler, runVerdictRoute,
} from "./findings.ts";
import { getTestHandler, getTestRoute, listTestsHandler, listTestsRoute } from "./tests.ts";
import { getReportHandler, getReportRoute, uploadReportHandler, uploadReportRoute } from "./reports.ts";
import { createTokenHandler, createTokenRoute } from "./tokens.ts";
import {
  addQuarantineHandler, addQuarantineRoute, checkQuarantineHandler, checkQuarantineRoute, listQuarantineHandler, listQuarantineRoute,
  releaseQuarantineHandler, releaseQuarantineRoute,
} from "./quarantine.ts";
import { getPolicyHandler, getPolicyRoute, previewPolicyHandler, previewPolicyRoute, putPolicyHandler, putPolicyRoute } from "./policy.ts";

/** The whole route table. Health and metrics are unauthenticated; everything under /api/v1 needs a token. */
export function registerRoutes(app: OpenAPIHono<HttpEnv>, d: HttpDeps): void {
  registerHealth(app, d);
  app.openapi(createProjectRoute, createProjectHandler(d));
  app.openapi(listProjectsRoute, listProjectsHandler(d));
  app.openapi(getProjectRoute, getProjectHandler(d));
  app.openapi(createTokenRoute, createTokenHandler(d));
  app.openapi(uploadReportRoute, uploadReportHandler(d));
  app.openapi(getReportRoute, getReportHandler(d));
  app.openapi(listTestsRoute, listTestsHandler(d));
  app.openapi(getTestRoute, getTestHandler(d));
  app.openapi(listFailuresRoute, listFailuresHandler(d));
  app.openapi(listIncidentsRoute, listIncidentsHandler(d));
  app.openapi(runVerdictRoute, runVerdictHandler(d));
  app.openapi(listQuarantineRoute, listQuarantineHandler(d));
  app.openapi(checkQuarantineRoute, checkQuarantineHandler(d));
  app.openapi(addQuarantineRoute, addQuarantineHandler(d));
  app.openapi(releaseQuarantineRoute, releaseQuarantineHandler(d));
  app.openapi(getPolicyRoute, getPolicyHandler(d));
  app.openapi(putPolicyRoute, putPolicyHandler(d));
  app.openapi(previewPolicyRoute, previewPolicyHandler(d));
}
