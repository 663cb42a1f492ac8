import { createProject } from "../accounts/projects.ts";
import { createApp, openDatabase } from "../app.ts";
import { generateHistory } from "../demo/generate.ts";
import { uploadQuery } from "../demo/query.ts";
import { createLogger } from "../lib/log.ts";
import { pgliteEmbeddedOptions, sqliteNativeBinding } from "../runtime/embedded.ts";
import { SERVER_FLAGS, SERVER_FLAGS_HELP, parseFlags } from "./args.ts";
import { UsageError, type Command } from "./command.ts";
import { configFromFlags } from "./server-config.ts";

/** `flakeguard seed --demo`: a realistic CI history in a project, to try FlakeGuard without a CI. */
export const seedCommand: Command = {
  path: ["seed"],
  summary: "Write a realistic demo CI history into a project (--demo)",
  help: `Usage: flakeguard seed --demo [--project SLUG] [--seed N] [--tests N] [--commits N] [flags]

Generates a CI history that knows the truth — healthy tests, flaky ones at 1-40 %, some flaky on one OS
only, regressions fixed a few commits later, pull requests broken until their next push, outages with
job re-runs, in-run retries on some jobs — and uploads it, report by report, through the same pipeline
as the API, so verdicts, incidents and failure groups are computed as they would be from real CI.

Flags:
  --demo            required: what to seed (the demo history is the only one)
  --project SLUG    project to create and fill (default demo; must not exist yet)
  --seed N          random seed (default 1): the same seed writes the same history
  --tests N         tests in the suite (default 300)
  --commits N       commits on the default branch (default 150)
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      ...SERVER_FLAGS,
      demo: { type: "boolean" },
      project: { type: "string" },
      seed: { type: "string" },
      tests: { type: "string" },
      commits: { type: "string" },
    });
    const { demo, project: slug = "demo", seed = "1", tests, commits, ...server } = values;
    if (!demo) throw new UsageError("seed needs --demo (the demo CI history is what it writes)");
    const num = (v: string | undefined, name: string) => {
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got '${v}'`);
      return Number(v);
    };
    const history = generateHistory({
      seed: num(seed, "seed")!,
      tests: num(tests, "tests"),
      commits: num(commits, "commits"),
    });
    const { config } = configFromFlags(server, io);
    const log = createLogger("warn");
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
    let now = history.uploads[0]?.receivedAt ?? Date.now();
    const app = createApp({
      config: { ...config, inlineMaxBytes: Number.MAX_SAFE_INTEGER },
      db: opened.db,
      log,
      worker: false,
      clock: () => now,
    });
    try {
      const project = await createProject(
        app.store,
        { slug, name: `Demo (seed ${seed})`, defaultBranch: history.defaultBranch },
        "cli",
        now,
      );
      let done = 0;
      for (const upload of history.uploads) {
        now = upload.receivedAt;
        const query = Object.fromEntries(uploadQuery(upload.meta));
        await app.uploads.receive(project, [{ bytes: new TextEncoder().encode(upload.junitXml), filename: null }], {
          commit: query.commit,
          branch: query.branch,
          pr: query.pr ?? null,
          run: query.run,
          job: query.job,
          attempt: upload.meta.attempt,
          variant: [...upload.meta.variant].sort().join(","),
        });
        if (++done % 500 === 0) io.stderr(`seeded ${done} of ${history.uploads.length} reports…`);
      }
      io.stdout(
        `seeded project ${slug}: ${history.uploads.length} reports, ${Object.keys(history.truth).length} tests (seed ${seed})`,
      );
    } finally {
      await app.stop();
      await opened.release();
    }
    return 0;
  },
};
