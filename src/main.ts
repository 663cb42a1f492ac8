// The executable's entry: argv → subcommand (serve, migrate, config, project, token, upload, health, version).
import { main } from "./cli/commands.ts";
import { processIo } from "./cli/process-io.ts";

main(process.argv.slice(2), processIo()).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`flakeguard: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
