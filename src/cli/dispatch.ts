import { AppError, ConfigError, FatalError } from "../lib/errors.ts";
import { UsageError, type Command, type CommandIO } from "./command.ts";

/** The command list for `--help` and a bare call: a usage line, a description and one line per command. */
export function overview(commands: Command[], name: string, description: string): string {
  const width = Math.max(...commands.map((c) => c.path.join(" ").length));
  return [
    `Usage: ${name} <command> [flags]   (${name} <command> --help for its flags)`,
    "",
    description,
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

/**
 * Runs the one of `commands` that argv names; resolves to the exit code. Errors become one line (stack with
 * --debug). The executable and the light CI client (src/client.ts) share it, so both parse and fail alike.
 */
export async function dispatch(
  commands: Command[],
  argv: string[],
  io: CommandIO,
  help: string,
  name = "flakeguard",
): Promise<number> {
  // Flags after `--` belong to a wrapped command (`flakeguard run -- jest --help`), not to flakeguard.
  const own = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  const debug = own.includes("--debug");
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout(help);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === "--version") argv = ["version"];
  const command = commands.find((c) => c.path.every((word, i) => argv[i] === word));
  if (!command) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    const hint =
      group.length > 0
        ? `; did you mean ${group.map((c) => `'${c.path.join(" ")}'`).join(" or ")}?`
        : ` (see ${name} --help)`;
    io.stderr(`${name}: unknown command '${argv.slice(0, 2).join(" ")}'${hint}`);
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
