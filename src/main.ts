// The executable's entry: argv → subcommand (serve, migrate, config, project, token, upload, health, version).
import { main } from "./cli/commands.ts";
import type { CommandIO } from "./cli/command.ts";

const stopSignal = new Promise<string>((resolve) => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
});

const io: CommandIO = {
  env: process.env,
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
  stopSignal,
  tty: process.stdout.isTTY === true,
};

main(process.argv.slice(2), io).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`flakeguard: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
