import type { MiddlewareHandler } from "hono";
import type { Config } from "../config/settings.ts";
import type { Admission } from "../lib/admission.ts";
import type { ByteBudget } from "../lib/budget.ts";
import type { Logger } from "../lib/log.ts";
import type { Metrics } from "../metrics/registry.ts";
import type { Store } from "../store/index.ts";
import type { Uploads } from "../pipeline.ts";
import type { HttpEnv } from "./env.ts";
import type { SharedState } from "../shared-state/index.ts";
import type { CliClientLoader } from "../runtime/cli-client.ts";

/** What the HTTP layer needs; app.ts builds it. */
export interface HttpDeps {
  store: Store;
  uploads: Uploads;
  config: Config;
  log: Logger;
  metrics: Metrics;
  clock: () => number;
  version: string;
  /** Decompressed report bytes held at once, shared with GitHub artifact ingest (uploadMemoryBudget). */
  uploadBudget: ByteBudget;
  /** Admission control in front of the database pool for uploads (uploadConcurrency). */
  uploadAdmission: Admission;
  /** Rate limits, caches and live updates: per process, or shared through Redis. */
  shared: SharedState;
  /** Throws when the process is not ready to serve (database down, schema stale, shutting down). */
  ready: () => Promise<void>;
  /** Aborted when the process starts shutting down: long-lived responses (event streams) end then. */
  stopping?: AbortSignal;
  /** Serves the embedded UI for non-API paths, when there is one. */
  ui?: MiddlewareHandler<HttpEnv>;
  /** The light CI client served at GET /cli/flakeguard.js (undefined: 404). */
  cliClient?: CliClientLoader;
}
