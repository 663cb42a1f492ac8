import type { OpenAPIHono } from "@hono/zod-openapi";
import { api, openApiDocument, plain, publicMatcher, type RouteRule } from "./access.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { registerHealth } from "./health.ts";
import {
  createProjectHandler,
  createProjectRoute,
  getProjectHandler,
  getProjectRoute,
  listProjectsHandler,
  listProjectsRoute,
} from "./projects.ts";
import {
  listFailuresHandler,
  listFailuresRoute,
  listIncidentsHandler,
  listIncidentsRoute,
  runVerdictHandler,
  runVerdictRoute,
} from "./findings.ts";
import { getTestHandler, getTestRoute, listTestsHandler, listTestsRoute } from "./tests.ts";
import {
  getClusterHandler,
  getClusterRoute,
  listClustersHandler,
  listClustersRoute,
  quarantineClusterHandler,
  quarantineClusterRoute,
  releaseClusterHandler,
  releaseClusterRoute,
} from "./clusters.ts";
import { getReportHandler, getReportRoute, uploadReportHandler, uploadReportRoute } from "./reports.ts";
import {
  createTokenHandler,
  createTokenRoute,
  listTokensHandler,
  listTokensRoute,
  revokeTokenHandler,
  revokeTokenRoute,
} from "./tokens.ts";
import {
  getSessionHandler,
  getSessionRoute,
  listSessionsHandler,
  listSessionsRoute,
  revokeSessionHandler,
  revokeSessionRoute,
  signInHandler,
  signInRoute,
  signOutHandler,
  signOutRoute,
} from "./session.ts";
import {
  createUserHandler,
  createUserRoute,
  deleteUserHandler,
  deleteUserRoute,
  listUsersHandler,
  listUsersRoute,
  updateUserHandler,
  updateUserRoute,
} from "./users.ts";
import {
  addQuarantineHandler,
  addQuarantineRoute,
  checkQuarantineHandler,
  checkQuarantineRoute,
  listQuarantineHandler,
  listQuarantineRoute,
  releaseQuarantineHandler,
  releaseQuarantineRoute,
} from "./quarantine.ts";
import {
  getPolicyHandler,
  getPolicyRoute,
  previewPolicyHandler,
  previewPolicyRoute,
  putPolicyHandler,
  putPolicyRoute,
} from "./policy.ts";
import { overviewHandler, overviewRoute } from "./overview.ts";
import { listRunsHandler, listRunsRoute } from "./runs.ts";
import { testHistoryHandler, testHistoryRoute } from "./history.ts";
import { listEventsHandler, listEventsRoute } from "./events.ts";
import { aboutHandler, aboutRoute } from "./about.ts";
import { createBackupHandler, createBackupRoute, listBackupsHandler, listBackupsRoute } from "./backups.ts";
import { streamHandler, streamRoute } from "./stream.ts";
import { githubWebhookHandler } from "./github.ts";
import { cliClientHandler } from "./cli-client.ts";
import { linkGitHubHandler, linkGitHubRoute } from "./github-link.ts";
import {
  createIntegrationHandler,
  createIntegrationRoute,
  deleteIntegrationHandler,
  deleteIntegrationRoute,
  listDeliveriesHandler,
  listDeliveriesRoute,
  listIntegrationsHandler,
  listIntegrationsRoute,
  testIntegrationHandler,
  testIntegrationRoute,
  updateIntegrationHandler,
  updateIntegrationRoute,
} from "./integrations.ts";

/**
 * The whole API route table. Each row says who may call the route (see `Access` in src/auth/access.ts):
 * public, signed-in, viewer, read (viewers and this project's upload token), upload, member, admin.
 * Add a route with ONE row: `api(access, xxxRoute, xxxHandler)`, or `plain(access, method, path, handler)`
 * for non-OpenAPI handlers. test/scenario/auth-matrix.test.ts fails for a route that has no row.
 */
export const ROUTES: readonly RouteRule[] = [
  openApiDocument("public", "/api/v1/openapi.json"),
  plain("public", "POST", "/api/v1/github/webhook", githubWebhookHandler), // authenticated by its signature
  plain("public", "GET", "/cli/flakeguard.js", cliClientHandler), // the light CI client; holds no secret
  api("admin", linkGitHubRoute, linkGitHubHandler),
  api("admin", createProjectRoute, createProjectHandler),
  api("read", listProjectsRoute, listProjectsHandler),
  api("read", getProjectRoute, getProjectHandler),
  api("admin", createTokenRoute, createTokenHandler),
  api("admin", listTokensRoute, listTokensHandler),
  api("admin", revokeTokenRoute, revokeTokenHandler),
  api("public", signInRoute, signInHandler), // throttled per name and address
  api("signed-in", getSessionRoute, getSessionHandler),
  api("signed-in", signOutRoute, signOutHandler),
  api("viewer", listSessionsRoute, listSessionsHandler),
  api("viewer", revokeSessionRoute, revokeSessionHandler),
  api("admin", listUsersRoute, listUsersHandler),
  api("admin", createUserRoute, createUserHandler),
  api("admin", updateUserRoute, updateUserHandler),
  api("admin", deleteUserRoute, deleteUserHandler),
  api("upload", uploadReportRoute, uploadReportHandler),
  api("read", getReportRoute, getReportHandler),
  api("read", listTestsRoute, listTestsHandler),
  api("read", getTestRoute, getTestHandler),
  api("read", listFailuresRoute, listFailuresHandler),
  api("read", listIncidentsRoute, listIncidentsHandler),
  api("read", runVerdictRoute, runVerdictHandler),
  api("read", listClustersRoute, listClustersHandler),
  api("read", getClusterRoute, getClusterHandler),
  api("member", quarantineClusterRoute, quarantineClusterHandler),
  api("member", releaseClusterRoute, releaseClusterHandler),
  api("read", listQuarantineRoute, listQuarantineHandler),
  api("read", checkQuarantineRoute, checkQuarantineHandler),
  api("member", addQuarantineRoute, addQuarantineHandler),
  api("member", releaseQuarantineRoute, releaseQuarantineHandler),
  api("read", getPolicyRoute, getPolicyHandler),
  api("admin", putPolicyRoute, putPolicyHandler),
  api("read", previewPolicyRoute, previewPolicyHandler),
  api("read", overviewRoute, overviewHandler),
  api("read", listRunsRoute, listRunsHandler),
  api("read", testHistoryRoute, testHistoryHandler),
  api("read", listEventsRoute, listEventsHandler),
  api("viewer", aboutRoute, aboutHandler),
  api("admin", listBackupsRoute, listBackupsHandler),
  api("admin", createBackupRoute, createBackupHandler),
  api("read", streamRoute, streamHandler),
  api("member", listIntegrationsRoute, listIntegrationsHandler),
  api("admin", createIntegrationRoute, createIntegrationHandler),
  api("admin", updateIntegrationRoute, updateIntegrationHandler),
  api("admin", deleteIntegrationRoute, deleteIntegrationHandler),
  api("admin", testIntegrationRoute, testIntegrationHandler),
  api("member", listDeliveriesRoute, listDeliveriesHandler),
];

/** Whether a request is for a public route (its credentials are not read). */
export const isPublicRoute = publicMatcher(ROUTES);

/** Registers health, metrics and every row of the route table. */
export function registerRoutes(app: OpenAPIHono<HttpEnv>, d: HttpDeps): void {
  registerHealth(app, d);
  for (const row of ROUTES) row.register(app, d);
}
