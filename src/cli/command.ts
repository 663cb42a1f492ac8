/** The shape of one subcommand of the `flakeguard` executable. */
export interface Command {
  /** Words that select it, e.g. ["serve"] or ["token", "create"]. */
  path: string[];
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text: usage line, flags, examples. */
  help: string;
  /** Runs the command with the arguments after its path; resolves to the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** What a command may touch of the outside world; tests pass their own. */
export interface CommandIO {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<string>;
  /** Whether stdout is a terminal (progress lines as often as they change there, every few seconds in a CI log). */
  tty?: boolean;
}

/** An error a command reports as one line and a non-zero exit, without a stack trace. */
export class UsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "UsageError";
    this.exitCode = exitCode;
  }
}
