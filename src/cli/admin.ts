import { createProject } from "../accounts/projects.ts";
import { issueToken } from "../accounts/tokens.ts";
import { openDatabase } from "../app.ts";
import { AppError } from "../lib/errors.ts";
import { createLogger } from "../lib/log.ts";
import { pgliteEmbeddedOptions, sqliteNativeBinding } from "../runtime/embedded.ts";
import { createStore, type Store } from "../store/index.ts";
import { SERVER_FLAGS, SERVER_FLAGS_HELP, parseFlags } from "./args.ts";
import { UsageError, type Command, type CommandIO } from "./command.ts";
import { configFromFlags } from "./server-config.ts";

/** Opens the configured database (migrating it) for one administrative command, then closes it. */
export async function withStore<T>(
  values: Record<string, string | boolean | undefined>,
  io: CommandIO,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const { config } = configFromFlags(values, io);
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const opened = await openDatabase(
    config,
    io.cwd,
    {
      sqliteNativeBinding: config.databaseUrl.startsWith("sqlite:") ? sqliteNativeBinding() : undefined,
      pgliteOptions: config.databaseUrl.startsWith("pglite:") ? { ...(await pgliteEmbeddedOptions()) } : undefined,
    },
    log,
    Date.now,
  );
  try {
    return await fn(createStore(opened.db));
  } finally {
    await opened.release();
  }
}

const SLUG = /^[a-z0-9][a-z0-9._-]*$/;

/** `flakeguard project create SLUG`. */
export const projectCreateCommand: Command = {
  path: ["project", "create"],
  summary: "Create a project",
  help: `Usage: flakeguard project create SLUG [--name NAME] [--default-branch BRANCH] [flags]

Creates a project directly in the database (use POST /api/v1/projects against a running server).

Flags:
  --name NAME              display name (default: the slug)
  --default-branch BRANCH  default branch (default: main)
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      { ...SERVER_FLAGS, name: { type: "string" }, "default-branch": { type: "string" } },
      true,
    );
    const { name, "default-branch": branch, ...server } = values;
    if (positionals.length !== 1) throw new UsageError("project create takes one SLUG");
    const slug = positionals[0];
    if (!SLUG.test(slug))
      throw new UsageError(`invalid project slug '${slug}': use lowercase letters, digits, '.', '_' or '-'`);
    const project = await withStore(server, io, (store) =>
      createProject(store, { slug, name: name ?? slug, defaultBranch: branch ?? "main" }, "cli", Date.now()),
    );
    io.stdout(`created project ${project.slug} (id ${project.id})`);
    return 0;
  },
};

/** `flakeguard token create --project P --scope upload|admin`. */
export const tokenCreateCommand: Command = {
  path: ["token", "create"],
  summary: "Create an upload token for a project, or an admin token",
  help: `Usage: flakeguard token create --project SLUG [--scope upload|admin] [--name NAME] [flags]

Prints the new token on stdout, alone, so it can be captured: TOKEN=$(flakeguard token create --project web).
The token is shown only this once; FlakeGuard stores only its SHA-256.

Flags:
  --project SLUG         the project an upload token is bound to (required for upload)
  --scope upload|admin   default upload
  --name NAME            a label shown in listings
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      ...SERVER_FLAGS,
      project: { type: "string" },
      scope: { type: "string" },
      name: { type: "string" },
    });
    const { project: slug, scope = "upload", name, ...server } = values;
    if (scope !== "upload" && scope !== "admin")
      throw new UsageError(`--scope must be upload or admin, got '${scope}'`);
    if (scope === "upload" && !slug) throw new UsageError("--project is required for an upload token");
    const issued = await withStore(server, io, async (store) => {
      const project = slug ? await store.projects.getProject(slug) : undefined;
      if (slug && !project)
        throw new AppError(
          404,
          "not_found",
          `project '${slug}' not found (create it with: flakeguard project create ${slug})`,
        );
      return issueToken(
        store,
        {
          scope,
          projectId: scope === "upload" ? project!.id : null,
          name: name ?? `${scope} token (cli)`,
          actor: "cli",
        },
        Date.now(),
      );
    });
    io.stderr(
      `created ${scope} token ${issued.record.prefix}… ${slug && scope === "upload" ? `for project ${slug}` : ""}; it is shown only this once:`,
    );
    io.stdout(issued.secret);
    return 0;
  },
};
