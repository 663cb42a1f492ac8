import { dumpConfig } from "../config/dump.ts";
import { createLogger } from "../lib/log.ts";
import { openDatabase } from "../app.ts";
import { pgliteEmbeddedOptions, sqliteNativeBinding } from "../runtime/embedded.ts";
import { migrationStatus } from "../store/backend/migrate.ts";
import { runtimeName, VERSION } from "../version.ts";
import { SERVER_FLAGS, SERVER_FLAGS_HELP, parseFlags } from "./args.ts";
import { UsageError, type Command } from "./command.ts";
import { configFromFlags } from "./server-config.ts";

/** `flakeguard version`. */
export const versionCommand: Command = {
  path: ["version"],
  summary: "Print the version",
  help: "Usage: flakeguard version\n\nPrints FlakeGuard's version and the runtime it runs on.",
  async run(args, io) {
    parseFlags(args, { help: { type: "boolean" } });
    io.stdout(`flakeguard ${VERSION} (${runtimeName()}, ${process.platform}-${process.arch})`);
    return 0;
  },
};

/** `flakeguard config`: the effective configuration, secrets masked. */
export const configCommand: Command = {
  path: ["config"],
  summary: "Print the effective configuration (secrets masked) and where each value comes from",
  help: `Usage: flakeguard config [flags]

Order: defaults < flakeguard.config.ts (.js/.json) < FLAKEGUARD_* env (*_FILE for secrets) < flags.

Flags:
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, SERVER_FLAGS);
    io.stdout(dumpConfig(configFromFlags(values, io)));
    return 0;
  },
};

/** `flakeguard migrate`: apply pending migrations (or show their status) and exit. */
export const migrateCommand: Command = {
  path: ["migrate"],
  summary: "Apply pending database migrations and exit (--status: only show them)",
  help: `Usage: flakeguard migrate [--status] [flags]

Flags:
  --status               list applied and pending migrations without changing anything
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, { ...SERVER_FLAGS, status: { type: "boolean" } });
    const { status: onlyStatus, ...server } = values;
    const { config } = configFromFlags(server, io);
    const log = createLogger("warn");
    const cfg = { ...config, migrate: !onlyStatus };
    const opened = await openDatabase(
      cfg,
      io.cwd,
      {
        sqliteNativeBinding: cfg.databaseUrl.startsWith("sqlite:") ? sqliteNativeBinding() : undefined,
        pgliteOptions: cfg.databaseUrl.startsWith("pglite:") ? { ...(await pgliteEmbeddedOptions()) } : undefined,
      },
      log,
      Date.now,
    ).catch((e) => {
      if (onlyStatus && /out of date/.test((e as Error).message)) return undefined;
      throw e;
    });
    if (!opened) {
      io.stdout("schema out of date: run `flakeguard migrate` to apply the pending migrations");
      return 1;
    }
    try {
      const s = await migrationStatus(opened.db);
      io.stdout(`database ${opened.db.backend}: ${s.current.length} migration(s) applied, ${s.pending.length} pending`);
      for (const name of s.current) io.stdout(`  applied  ${name}`);
      for (const name of s.pending) io.stdout(`  pending  ${name}`);
    } finally {
      await opened.release();
    }
    return 0;
  },
};

/** `flakeguard health --url URL`: exit 0 when the server answers 200, else 1 (Docker's HEALTHCHECK). */
export const healthCommand: Command = {
  path: ["health"],
  summary: "Check a running server's /readyz (exit 0 healthy, 1 not)",
  help: `Usage: flakeguard health [--url URL] [--timeout SECONDS]

Flags:
  --url URL          what to check (default http://127.0.0.1:$FLAKEGUARD_PORT/readyz)
  --timeout SECONDS  give up after this long (default 5)`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      url: { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean" },
    });
    const url = values.url ?? `http://127.0.0.1:${io.env.FLAKEGUARD_PORT ?? 8080}/readyz`;
    const seconds = Number(values.timeout ?? 5);
    if (!(seconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(seconds * 1000) });
      const ok = res.status === 200;
      // Degraded (a full disk) stays healthy for Docker: a restart would not free the disk; say why.
      const body = (await res.json().catch(() => ({}))) as { status?: string; reason?: string };
      const state = !ok ? "unhealthy" : body.status === "degraded" ? `degraded (${body.reason})` : "healthy";
      io.stdout(`${state}: ${url} answered ${res.status}`);
      return ok ? 0 : 1;
    } catch (e) {
      io.stdout(
        `unhealthy: ${url}: ${(e as Error).cause ? String(((e as Error).cause as Error).message) : (e as Error).message}`,
      );
      return 1;
    }
  },
};
