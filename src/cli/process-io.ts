import type { CommandIO } from "./command.ts";

/** The real process as a CommandIO: its environment, directory, output streams and stop signals. */
export function processIo(): CommandIO {
  const stopSignal = new Promise<string>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
  });
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (line) => process.stdout.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
    stopSignal,
    tty: process.stdout.isTTY === true,
  };
}
