import { ConfigError, FatalError } from "../lib/errors.ts";
import { AppError } from "../lib/errors.ts";
import { projectCreateCommand, tokenCreateCommand } from "./admin.ts";
import { UsageError, type Command, type CommandIO } from "./command.ts";
import { configCommand, healthCommand, migrateCommand, versionCommand } from "./misc.ts";
import { seedCommand } from "./seed.ts";
import { userCreateCommand, userLsCommand } from "./user.ts";
import { backupCommand, restoreCommand } from "./backup.ts";
import { serveCommand } from "./serve.ts";
import { uploadCommand } from "./upload/index.ts";
import { runCommand } from "./run/index.ts";
import { quarantineAddCommand, quarantineLsCommand, quarantineRmCommand } from "./quarantine/index.ts";

/** Every subcommand: one file plus one line here. */
export const COMMANDS: Command[] = [
  serveCommand,
  migrateCommand,
  configCommand,
  projectCreateCommand,
  tokenCreateCommand,
  userCreateCommand,
  userLsCommand,
  uploadCommand,
  runCommand,
  quarantineLsCommand,
  quarantineAddCommand,
  quarantineRmCommand,
  seedCommand,
  backupCommand,
  restoreCommand,
  healthCommand,
  versionCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  return [
    "Usage: flakeguard <command> [flags]   (flakeguard <command> --help for its flags)",
    "",
    "FlakeGuard finds flaky tests in your CI's test reports and quarantines them.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

/** Runs the subcommand argv names; resolves to the exit code. Errors become one line (stack with --debug). */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  // Flags after `--` belong to a wrapped command (`flakeguard run -- jest --help`), not to flakeguard.
  const own = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  const debug = own.includes("--debug");
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout(overview());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === "--version") argv = ["version"];
  const command = COMMANDS.find((c) => c.path.every((word, i) => argv[i] === word));
  if (!command) {
    const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
    const hint =
      group.length > 0
        ? `; did you mean ${group.map((c) => `'${c.path.join(" ")}'`).join(" or ")}?`
        : " (see flakeguard --help)";
    io.stderr(`flakeguard: unknown command '${argv.slice(0, 2).join(" ")}'${hint}`);
    return 2;
  }
  const args = argv.slice(command.path.length);
  const ownArgs = own.slice(command.path.length);
  if (ownArgs.includes("--help") || ownArgs.includes("-h")) {
    io.stdout(command.help);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    const err = e as Error;
    io.stderr(`flakeguard ${command.path.join(" ")}: ${err.message}`);
    if (debug && err.stack) io.stderr(err.stack);
    else if (!(
      e instanceof UsageError ||
      e instanceof ConfigError ||
      e instanceof FatalError ||
      e instanceof AppError
    )) {
      io.stderr("(run with --debug for the stack trace)");
    }
    return e instanceof UsageError || e instanceof ConfigError ? 2 : 1;
  }
}
