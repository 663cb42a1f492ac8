import { createServer } from "node:http";
import type { Socket } from "node:net";
import { serve as serveNode } from "@hono/node-server";
import { ensureAdminToken } from "../accounts/tokens.ts";
import { createApp, openDatabase } from "../app.ts";
import { FatalError } from "../lib/errors.ts";
import { createLogger } from "../lib/log.ts";
import {
  checkpointWorkerSpawner,
  pgliteEmbeddedOptions,
  sqliteAddonFile,
  sqliteNativeBinding,
  uiAssets,
  cliClient,
} from "../runtime/embedded.ts";
import { createSharedState } from "../shared-state/index.ts";
import { jobStore } from "../store/jobs.ts";
import { inlineParsePool, workerParsePool } from "../parse-pool/pool.ts";
import { parseWorkerSpawner } from "../runtime/parse-worker.ts";
import { VERSION } from "../version.ts";
import { SERVER_FLAGS, SERVER_FLAGS_HELP, parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { configFromFlags } from "./server-config.ts";
import { parseDatabaseUrl } from "../store/backend/url.ts";

/** `flakeguard serve`: the API, the worker, the UI and /metrics in one process, or one role of a scaled-out install. */
export const serveCommand: Command = {
  path: ["serve"],
  summary: "Run the server (API, job worker, web UI, /metrics)",
  help: `Usage: flakeguard serve [flags]

Runs FlakeGuard: on the embedded SQLite database in ./flakeguard-data by default, or on PGlite or
PostgreSQL with --database-url. The first start prints an admin token once.

Roles (--role): all (default) runs everything; api serves the API and UI without running jobs;
worker runs the job queue and the schedules and serves only /livez, /readyz and /metrics. On
PostgreSQL any number of api and worker processes share the work; set REDIS_URL so they also
share rate limits, caches and live updates.

Flags:
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, SERVER_FLAGS);
    const { config } = configFromFlags(values, io);
    const log = createLogger(config.logLevel);
    if (config.role !== "all" && parseDatabaseUrl(config.databaseUrl, io.cwd).backend !== "postgres") {
      // An embedded database is locked to one process: an api without a worker would never process queued reports.
      throw new FatalError(
        `--role ${config.role} needs PostgreSQL (DATABASE_URL=postgres://…); SQLite and PGlite run one process with --role all`,
      );
    }
    const sqlite = config.databaseUrl.startsWith("sqlite:");
    const opened = await openDatabase(
      config,
      io.cwd,
      {
        sqliteNativeBinding: sqlite ? sqliteNativeBinding() : undefined,
        // The server writes all day: its checkpoints run beside the writer, not inside its commits.
        sqliteCheckpoints: sqlite
          ? {
              spawn: checkpointWorkerSpawner(),
              addonFile: sqliteAddonFile(),
              onError: (err) => log.warn({ err: err.message }, "SQLite checkpoint worker"),
            }
          : undefined,
        pgliteOptions: config.databaseUrl.startsWith("pglite:") ? { ...(await pgliteEmbeddedOptions()) } : undefined,
      },
      log,
      Date.now,
    );
    let shared;
    try {
      shared = await createSharedState({
        redisUrl: config.redisUrl,
        redisPrefix: config.redisPrefix,
        log,
        now: Date.now,
      });
    } catch (e) {
      await opened.release();
      throw e;
    }
    if (!config.redisUrl && config.role !== "all") {
      log.warn(
        { role: config.role },
        "no REDIS_URL: rate limits, caches and live updates stay inside this replica (see README, Scaling out)",
      );
    }
    if (opened.db.backend !== "postgres") {
      // The data directory is locked to this process, so a job still marked running was a crashed run's: retry it now, not after its lease.
      const requeued = await jobStore(opened.db).requeueRunningJobs(Date.now());
      if (requeued > 0) log.warn({ jobs: requeued }, "jobs interrupted by a crash are queued again");
    }
    const parsePool =
      config.parseWorkers > 0
        ? workerParsePool(config.parseWorkers, parseWorkerSpawner(config.parseWorkerHeapMb))
        : inlineParsePool();
    const app = createApp({ config, db: opened.db, log, ui: uiAssets(), cliClient: cliClient(), shared, parsePool });
    const admin = await ensureAdminToken(app.store, config.adminToken, Date.now());
    if (admin.generated) {
      io.stdout(
        `First start: created an admin token. It is shown only this once; keep it secret:\n\n    ${admin.generated}\n`,
      );
    }
    const server = await listen(app.http.fetch, config.port, config.host, {
      headersMs: config.headersTimeoutMs,
      requestMs: config.requestTimeoutMs,
    });
    log.info(
      {
        url: `http://${config.host}:${config.port}`,
        version: VERSION,
        backend: opened.db.backend,
        role: config.role,
        shared: shared.kind,
      },
      "flakeguard serving",
    );
    const signal = await io.stopSignal;
    log.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down");
    const deadline = Date.now() + config.shutdownGraceMs;
    app.drain();
    await closeServer(server, config.shutdownGraceMs);
    // A long job (a huge queued report) must not hold the exit past the grace period: its lease expires and
    // another worker, or the next start, runs it again; its writes are one transaction, so nothing is half-done.
    if (await settlesBefore(app.stop(), deadline)) await opened.release();
    else
      log.warn(
        { graceMs: config.shutdownGraceMs },
        "a job was still running at the end of the grace period; it runs again after its lease",
      );
    log.info("stopped");
    return 0;
  },
};

type NodeServer = ReturnType<typeof createServer>;

/** How long an idle keep-alive connection stays open. */
const KEEP_ALIVE_MS = 65_000;

/** A listening server and its open connections (to find, when closing, those that never sent a request). */
interface Listening {
  server: NodeServer;
  sockets: Set<Socket>;
}

/**
 * Listens with slow-client limits: headers within `headersMs`, the whole request within `requestMs` (Node
 * answers 408 and closes), checked every second or sooner, so a slowloris client holds a socket, not the server.
 */
function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  port: number,
  host: string,
  timeouts: { headersMs: number; requestMs: number },
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
    const connectionsCheckingInterval = Math.min(1000, Math.ceil(timeouts.headersMs / 4));
    // Keep-alive past NGINX's upstream default (60 s), as Node's own docs advise behind a proxy. With Node's
    // 5 s, a connection whose next request arrived while the event loop was busy (a long embedded-database
    // transaction) could be closed by the late timer under that request: the client saw ECONNRESET
    // (bench:ingest on PGlite did once).
    const serverOptions = {
      headersTimeout: timeouts.headersMs,
      requestTimeout,
      connectionsCheckingInterval,
      keepAliveTimeout: KEEP_ALIVE_MS,
    };
    const server = serveNode({ fetch, port, hostname: host, createServer, serverOptions }) as NodeServer;
    const sockets = new Set<Socket>();
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    server.once("listening", () => resolve({ server, sockets }));
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE") reject(new FatalError(`port ${port} on ${host} is already in use`));
      else if (e.code === "EACCES") reject(new FatalError(`no permission to listen on ${host}:${port}`));
      else reject(new FatalError(`cannot listen on ${host}:${port}: ${e.message}`));
    });
  });
}

/** Whether `work` settles before the `deadline` (epoch ms). */
async function settlesBefore(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))),
  );
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** How often a closing server looks for connections that have gone idle. */
const IDLE_SWEEP_MS = 100;

/**
 * Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. Like Go's
 * `Shutdown`, it closes each connection as soon as it is idle, not only those idle when closing starts (a
 * keep-alive connection whose event stream ends a moment later), and also connections that never sent a
 * byte: browsers open those ahead of use, Node does not count them as idle, and its own timeout checks stop
 * when the server closes, so one would otherwise hold the exit for the whole grace period.
 */
function closeServer({ server, sockets }: Listening, graceMs: number): Promise<void> {
  const unused = () => {
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    const sweep = setInterval(() => {
      server.closeIdleConnections();
      unused();
    }, IDLE_SWEEP_MS);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
    unused();
  });
}
