import { spawn } from "node:child_process";
import { constants } from "node:os";

/** How the wrapped test command ended. */
export interface ChildExit {
  /** The code the wrapper passes on: the child's own, or 128 + signal number when a signal killed it. */
  code: number;
  /** The signal that killed the child, if one did. */
  signal?: string;
  /** The signal the wrapper itself received and forwarded, if any. */
  forwarded?: string;
  /** Why the command could not be started at all. */
  startError?: string;
}

/** What starting the child needs; `stop` resolves with a signal name when the wrapper is asked to stop. */
export interface ChildOptions {
  command: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  stop: Promise<string>;
}

/**
 * Runs the test command with the wrapper's own stdin/stdout/stderr, so its output streams through unbuffered
 * and colours survive. A stop signal is passed on to the child; the wrapper then waits for it to exit, so the
 * test runner can clean up (and write its report) the way it would without the wrapper.
 */
export function runChild({ command, cwd, env, stop }: ChildOptions): Promise<ChildExit> {
  return new Promise((resolve) => {
    const [file, ...args] = command;
    const child = spawn(file, args, { cwd, env, stdio: "inherit" });
    let forwarded: string | undefined;
    stop.then(
      (signal) => {
        forwarded = signal;
        if (child.exitCode === null && child.signalCode === null) child.kill(signal as NodeJS.Signals);
      },
      () => {},
    );
    child.on("error", (error: NodeJS.ErrnoException) => {
      // The shell's convention: 127 for a command that does not exist, 126 for one that cannot be run.
      resolve({
        code: error.code === "ENOENT" ? 127 : 126,
        forwarded,
        startError: `cannot start ${file}: ${error.message}`,
      });
    });
    child.on("exit", (code, signal) => {
      if (signal) resolve({ code: 128 + signalNumber(signal), signal, forwarded });
      else resolve({ code: code ?? 1, forwarded });
    });
  });
}

/** SIGTERM → 15; an unknown name counts as 1 (SIGHUP's number) rather than pretending success. */
export function signalNumber(signal: string): number {
  return (constants.signals as Record<string, number>)[signal] ?? 1;
}
