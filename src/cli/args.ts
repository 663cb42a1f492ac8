import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command.ts";

/** Flags every server-side command takes: where the configuration and the database are. */
export const SERVER_FLAGS = {
  config: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  "data-dir": { type: "string" },
  "database-url": { type: "string" },
  role: { type: "string" },
  migrate: { type: "string" },
  "log-level": { type: "string" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** The help lines for SERVER_FLAGS. */
export const SERVER_FLAGS_HELP = `  --config PATH          configuration file (default: ./flakeguard.config.ts|.js|.json if present)
  --port N               HTTP port (FLAKEGUARD_PORT, default 8080)
  --host ADDR            listen address (FLAKEGUARD_HOST, default 127.0.0.1)
  --data-dir DIR         data directory (FLAKEGUARD_DATA_DIR, default ./flakeguard-data)
  --database-url URL     sqlite:FILE | pglite:DIR | postgres://… (DATABASE_URL)
  --role all|api|worker  what this process runs (FLAKEGUARD_ROLE, default all)
  --migrate=true|false   apply migrations at start, or refuse a stale schema (default true)
  --log-level LEVEL      debug|info|warn|error|silent (default info)
  --debug                print stack traces on errors`;

/** parseArgs in strict mode, with unknown flags and stray values reported as one-line usage errors. */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: O,
  positionals = false,
) {
  // `deno task serve -- --port 1` passes the `--` on (npm strips it); without positionals it means nothing.
  if (!positionals && args[0] === "--") args = args.slice(1);
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0].replace(/\. To specify a positional.*$/, "");
    throw new UsageError(msg);
  }
}
