import { projectCreateCommand, tokenCreateCommand } from "./admin.ts";
import type { Command, CommandIO } from "./command.ts";
import { dispatch, overview } from "./dispatch.ts";
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

/** Runs the subcommand argv names; resolves to the exit code. Errors become one line (stack with --debug). */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const help = overview(
    COMMANDS,
    "flakeguard",
    "FlakeGuard finds flaky tests in your CI's test reports and quarantines them.",
  );
  return dispatch(COMMANDS, argv, io, help);
}
