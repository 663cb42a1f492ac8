import { Admission } from "./lib/admission.ts";
import { ByteBudget } from "./lib/budget.ts";
import type { Config } from "./config/settings.ts";
import { createHttpApp } from "./http/server.ts";
import { createGitHub } from "./github/service.ts";
import { createWorkerHttpApp } from "./http/worker-app.ts";
import type { HttpDeps } from "./http/deps.ts";
import { serveUi } from "./http/static.ts";
import { JOBS } from "./jobs/registry.ts";
import { startSchedules, type Scheduler } from "./jobs/schedules.ts";
import {
  newWorkerId,
  runNextJob,
  startWorker,
  workerConcurrency,
  type Worker,
  type WorkerOptions,
} from "./jobs/worker.ts";
import { lockDataDir, type DirLock } from "./lib/dir-lock.ts";
import { FatalError } from "./lib/errors.ts";
import type { Logger } from "./lib/log.ts";
import { instrumentUploads } from "./metrics/ingest.ts";
import { createMetrics } from "./metrics/registry.ts";
import { stateGauges } from "./metrics/state.ts";
import { DEFAULT_PARSE_LIMITS } from "./model/limits.ts";
import { inlineParsePool, type ParsePool } from "./parse-pool/pool.ts";
import { createPipeline, type Uploads } from "./pipeline.ts";
import { openDb, ping, type Db, type OpenOptions } from "./store/backend/db.ts";
import { createStore, type Store } from "./store/index.ts";
import { migrate, migrationStatus } from "./store/backend/migrate.ts";
import { parseDatabaseUrl } from "./store/backend/url.ts";
import { runtimeName, VERSION } from "./version.ts";
import type { CliClientLoader, UiAssets } from "./runtime/embedded.ts";
import { memorySharedState, type SharedState } from "./shared-state/index.ts";
import { busPublisher } from "./shared-state/publish.ts";

/** An open database with its data-directory lock. */
export interface OpenedDatabase {
  db: Db;
  release(): Promise<void>;
}

/**
 * Opens the configured database: locks an embedded data directory against a second process, opens
 * the backend, and applies pending migrations (or, with migrate=false, refuses a stale schema).
 */
export async function openDatabase(
  config: Config,
  cwd: string,
  embedded: OpenOptions,
  log: Logger,
  now: () => number,
): Promise<OpenedDatabase> {
  const target = parseDatabaseUrl(config.databaseUrl, cwd);
  const lock: DirLock | undefined = target.backend === "postgres" ? undefined : lockDataDir(config.dataDir);
  let db: Db;
  try {
    db = await openDb(target, { ...embedded, onPoolError: (err) => log.warn({ err }, "PostgreSQL connection lost") });
  } catch (e) {
    lock?.release();
    throw e;
  }
  try {
    if (config.migrate) {
      const status = await migrate(db, now());
      if (status.applied.length > 0) log.info({ applied: status.applied }, "migrations applied");
    } else {
      const status = await migrationStatus(db);
      if (status.pending.length > 0) {
        throw new FatalError(
          `the database schema is out of date (${status.pending.length} pending migration(s), first ${status.pending[0]}); run \`flakeguard migrate\` or start without --migrate=false`,
        );
      }
    }
  } catch (e) {
    await db.close().catch(() => undefined);
    lock?.release();
    throw e;
  }
  return {
    db,
    release: async () => {
      await db.close();
      lock?.release();
    },
  };
}

/** The wired application: HTTP, store, worker. */
export interface App {
  http: ReturnType<typeof createHttpApp>;
  store: Store;
  shared: SharedState;
  /** The pipeline's entry points (for in-process uploads such as `flakeguard seed`). */
  uploads: Uploads;
  /** Stops background work (the worker finishes its current job). */
  stop(): Promise<void>;
  /** Marks the app as shutting down: /readyz answers 503 from now on. */
  drain(): void;
  /** Runs due jobs until none is left (tests and `flakeguard run-jobs`); returns how many ran. */
  runJobsOnce(): Promise<number>;
}

/** Inputs of the composition root. */
export interface AppOptions {
  config: Config;
  db: Db;
  log: Logger;
  clock?: () => number;
  ui?: UiAssets;
  /** The light CI client for GET /cli/flakeguard.js; none (404) when not given. */
  cliClient?: CliClientLoader;
  /** Run the in-process worker (role all|worker); tests turn it off to drive jobs themselves. */
  worker?: boolean;
  /** Shared state (Redis when scaled out); in memory when not given. */
  shared?: SharedState;
  /** Where reports are parsed: worker threads (`flakeguard serve`), or inline when not given. */
  parsePool?: ParsePool;
}

/** The composition root: builds every dependency once and wires them. */
export function createApp(o: AppOptions): App {
  const clock = o.clock ?? Date.now;
  // One budget of decompressed report bytes for uploads and artifact ingest; a single largest upload always fits.
  const uploadBudget = new ByteBudget(Math.max(o.config.uploadMemoryBudget, o.config.maxUploadBytes));
  const uploadAdmission = new Admission({
    concurrency: o.config.uploadConcurrency,
    maxWaiting: 10_000,
    maxWaitMs: 45_000, // under the 60 s `flakeguard upload` gives a request, so it hears 429, not a timeout
    retryAfterSeconds: 5,
  });
  const store = createStore(o.db, { groupCommitMs: o.config.groupCommitMs });
  const shared = o.shared ?? memorySharedState(clock);
  const metrics = createMetrics({ version: VERSION, backend: o.db.backend, runtime: runtimeName() });
  const publish = busPublisher(shared.bus, o.log);
  let worker: Worker | undefined;
  let draining = false;
  const stopping = new AbortController();
  const parsePool = o.parsePool ?? inlineParsePool();
  const uploads = instrumentUploads(
    createPipeline({
      store,
      clock,
      limits: { ...DEFAULT_PARSE_LIMITS, maxBytes: o.config.maxUploadBytes, maxTestcases: o.config.maxTestcases },
      parse: parsePool.parse,
      inlineMaxBytes: o.config.inlineMaxBytes,
      inlineConcurrency: o.config.inlineConcurrency,
      budget: uploadBudget,
      scoreOnIngest: o.config.scoreOnIngest,
      notifyWorker: () => worker?.wake(),
      publish,
      github: { app: Boolean(o.config.githubAppId && o.config.githubPrivateKey), token: Boolean(o.config.githubToken) },
    }),
    metrics.ingest,
  );
  stateGauges(metrics.registry, store, shared.cache, clock, (err) =>
    o.log.warn({ err }, "metrics: database counts unavailable"),
  );
  const deps: HttpDeps = {
    store,
    uploads,
    config: o.config,
    log: o.log,
    metrics,
    clock,
    version: VERSION,
    uploadBudget,
    uploadAdmission,
    shared,
    ready: async () => {
      if (draining) throw new Error("shutting down");
      await ping(o.db);
    },
    ui: o.ui && o.ui.size > 0 ? serveUi(o.ui) : undefined,
    cliClient: o.cliClient,
    stopping: stopping.signal,
  };
  // --role worker serves health and metrics only; the API belongs to the api replicas.
  const http = o.config.role === "worker" ? createWorkerHttpApp(deps) : createHttpApp(deps);
  const workerOptions: WorkerOptions = {
    jobs: store.jobs,
    registry: JOBS,
    deps: {
      uploads,
      store,
      clock,
      publish,
      config: o.config,
      metrics,
      log: o.log,
      github: createGitHub(o.config, clock, fetch, uploadBudget),
    },
    log: o.log,
    clock,
    metrics: metrics.jobs,
    leaseMs: o.config.jobLeaseMs,
    concurrency: workerConcurrency(o.config.workerConcurrency, o.db.backend),
  };
  let schedules: Scheduler | undefined;
  if (o.worker ?? o.config.role !== "api") {
    worker = startWorker(workerOptions);
    schedules = startSchedules({
      store,
      clock,
      log: o.log,
      rescore: o.config.rescoreSchedule,
      digest: o.config.digestSchedule,
      backup: o.config.backupSchedule,
      wake: () => worker?.wake(),
      schedulerId: newWorkerId(),
      onFired: (schedule) => metrics.jobs.ticks.inc({ schedule }),
    });
  }
  return {
    http,
    store,
    uploads,
    shared,
    runJobsOnce: async () => {
      const id = newWorkerId();
      let ran = 0;
      while (await runNextJob(workerOptions, id)) ran++;
      return ran;
    },
    drain: () => {
      draining = true;
      stopping.abort();
    },
    stop: async () => {
      draining = true;
      stopping.abort();
      schedules?.stop();
      await worker?.stop();
      await parsePool.close();
      await shared.close();
    },
  };
}
