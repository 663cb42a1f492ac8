// The light CI client's entry, bundled on its own into GET /cli/flakeguard.js (src/runtime/cli-client.ts):
// `node flakeguard.js upload|run|quarantine ls …` on any Node.js ≥ 18, without the server inside.
import { clientMain } from "./cli/client/index.ts";
import { processIo } from "./cli/process-io.ts";

clientMain(process.argv.slice(2), processIo()).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`flakeguard: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
