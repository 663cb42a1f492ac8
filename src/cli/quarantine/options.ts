import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../command.ts";
import type { ApiTarget } from "./client.ts";

/** Flags every quarantine subcommand takes: where the server is, which project, which token. */
export const TARGET_FLAGS = {
  server: { type: "string" },
  token: { type: "string" },
  project: { type: "string" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** The help lines for TARGET_FLAGS; `tokenEnv` says which variables are read, in order. */
export function targetFlagsHelp(tokenEnv: string): string {
  return `  --server URL        FlakeGuard server (env FLAKEGUARD_SERVER)
  --token T           ${tokenEnv}
  --project P         project slug (env FLAKEGUARD_PROJECT)`;
}

/** Strict parseArgs with one-line usage errors. */
export function parseQuarantineArgs<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0].replace(/\. To specify a positional.*$/, ""));
  }
}

/**
 * Server, token and project from flags, then the environment. `tokenVars` lists the variables to try in
 * order: add and rm prefer FLAKEGUARD_ADMIN_TOKEN, ls the upload token CI jobs already have.
 */
export function resolveTarget(
  values: { server?: string; token?: string; project?: string },
  env: Record<string, string | undefined>,
  tokenVars: string[],
): ApiTarget {
  const server = pick(values.server, env.FLAKEGUARD_SERVER);
  const project = pick(values.project, env.FLAKEGUARD_PROJECT);
  const token = pick(values.token, ...tokenVars.map((name) => env[name]));
  const missing = [
    server ? undefined : "--server (or FLAKEGUARD_SERVER)",
    project ? undefined : "--project (or FLAKEGUARD_PROJECT)",
    token ? undefined : `--token (or ${tokenVars.join(" or ")})`,
  ].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(", ")}`);
  if (!/^https?:\/\/[^/]/i.test(server!)) throw new UsageError(`--server must be an http(s) URL, got "${server}"`);
  return { server: server!.replace(/\/+$/, ""), token: token!, project: project! };
}

/**
 * `--expires`: a date (2026-12-31, meaning the end of that day in UTC), an ISO timestamp, or a duration
 * from now (30d, 12h, 2w). Returns an ISO timestamp; throws a usage error for anything else or the past.
 */
export function parseExpiry(text: string, now: number): string {
  const duration = /^(\d+)([hdw])$/.exec(text.trim());
  const hours = { h: 1, d: 24, w: 24 * 7 };
  let at: number;
  if (duration) at = now + Number(duration[1]) * hours[duration[2] as keyof typeof hours] * 3_600_000;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) at = Date.parse(`${text.trim()}T23:59:59.999Z`);
  else at = /^\d{4}-\d{2}-\d{2}T/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(at))
    throw new UsageError(
      `--expires must be a date (2026-12-31), a timestamp or a duration (30d, 12h, 2w); got "${text}"`,
    );
  if (at <= now) throw new UsageError(`--expires ${text} is in the past`);
  return new Date(at).toISOString();
}

function pick(...values: (string | undefined)[]): string | undefined {
  for (const value of values) if (value?.trim()) return value.trim();
  return undefined;
}
