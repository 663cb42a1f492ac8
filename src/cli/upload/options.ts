import { parseArgs } from "node:util";
import { positiveInt } from "../ci-env/common.ts";
import type { CiInfo, Env } from "../ci-env/index.ts";

/** Report formats the server parses; without --format it detects the format itself. */
export const UPLOAD_FORMATS = ["junit", "ctrf", "trx", "nunit", "xunit"] as const;

/** How long --wait waits for settled verdicts without --wait-timeout. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;
/** Parses --wait-timeout: seconds ("90"), or with a unit ("90s", "10m", "1h"); undefined when it is not one. */
export function parseWaitTimeout(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(value.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "s" | "m" | "h"];
  return ms > 0 ? ms : undefined;
}

const FLAG_SPEC = {
  server: { type: "string" },
  token: { type: "string" },
  project: { type: "string" },
  commit: { type: "string" },
  branch: { type: "string" },
  pr: { type: "string" },
  run: { type: "string" },
  job: { type: "string" },
  attempt: { type: "string" },
  variant: { type: "string", multiple: true },
  format: { type: "string" },
  "github-token": { type: "string" },
  "fail-on-error": { type: "boolean" },
  "dry-run": { type: "boolean" },
  wait: { type: "boolean" },
  "wait-timeout": { type: "string" },
  help: { type: "boolean", short: "h" },
  // main() reads --debug from argv for stack traces; accepted here so strict parsing does not reject it.
  debug: { type: "boolean" },
} as const;

/** The command line as typed, before environment and CI detection fill the gaps. */
export type UploadFlags = ReturnType<typeof parseUploadArgs>;

/** Parses the arguments strictly; throws a one-line error naming an unknown flag or a flag missing its value. */
export function parseUploadArgs(args: string[]) {
  try {
    const { values, positionals } = parseArgs({ args, options: FLAG_SPEC, allowPositionals: true, strict: true });
    return { ...values, patterns: positionals };
  } catch (error) {
    // Keep node's first sentence ("Unknown option '--projct'"), drop its advice about positionals.
    throw new Error((error as Error).message.split("\n")[0].replace(/\. To specify a positional.*$/, ""), {
      cause: error,
    });
  }
}

/** True when --fail-on-error is among raw arguments, for deciding how loudly to fail when parsing itself fails. */
export function failOnErrorRequested(args: string[]): boolean {
  return args.includes("--fail-on-error");
}

/** Report metadata sent in the query string (CI facts plus variants and format); absent fields are not sent. */
export interface UploadMetadata extends Pick<CiInfo, "commit" | "branch" | "pr" | "run" | "job" | "attempt"> {
  variants: string[];
  format?: string;
}

/** Everything an upload needs, resolved from flags, environment and CI detection. */
export interface UploadPlan {
  server?: string;
  token?: string;
  /** Where the token came from, printed instead of the token. */
  tokenSource?: string;
  project?: string;
  metadata: UploadMetadata;
  patterns: string[];
  failOnError: boolean;
  dryRun: boolean;
  /** --wait: how long to wait for settled verdicts after the upload; undefined without it. */
  waitTimeoutMs?: number;
  ci: CiInfo;
  /** Configuration mistakes, one line each; any of them stops a real upload. */
  problems: string[];
}

/** A plan without problems: server, token and project are known. */
export type ReadyPlan = UploadPlan & { server: string; token: string; project: string };

/** True when the plan can be uploaded. */
export function isReady(plan: UploadPlan): plan is ReadyPlan {
  return plan.problems.length === 0 && Boolean(plan.server && plan.token && plan.project);
}

/** Inputs to plan resolution: flags win over CI detection; connection settings fall back to FLAKEGUARD_*. */
export interface PlanInputs {
  flags: UploadFlags;
  env: Env;
  ci: CiInfo;
  /** Reads FLAKEGUARD_TOKEN_FILE; throws when it cannot. */
  readTokenFile: (path: string) => string;
}

/** Resolves flags, environment and CI metadata into one plan, collecting configuration problems rather than throwing. */
export function resolveUploadPlan({ flags, env, ci, readTokenFile }: PlanInputs): UploadPlan {
  const problems: string[] = [];
  const server = nonBlank(flags.server) ?? nonBlank(env.FLAKEGUARD_SERVER);
  const project = nonBlank(flags.project) ?? nonBlank(env.FLAKEGUARD_PROJECT);
  const { token, tokenSource, tokenProblem } = resolveToken(flags.token, env, readTokenFile);

  if (!server) problems.push("no server: pass --server URL or set FLAKEGUARD_SERVER");
  else if (!/^https?:\/\/[^/]/i.test(server)) problems.push(`--server must be an http(s) URL, got "${server}"`);
  if (!project) problems.push("no project: pass --project SLUG or set FLAKEGUARD_PROJECT");
  if (!token) problems.push(tokenProblem ?? "no token: pass --token, or set FLAKEGUARD_TOKEN or FLAKEGUARD_TOKEN_FILE");
  if (flags.patterns.length === 0) problems.push("no report files: pass one or more paths or globs");

  const metadata: UploadMetadata = {
    commit: nonBlank(flags.commit) ?? ci.commit,
    branch: nonBlank(flags.branch) ?? ci.branch,
    pr: flags.pr === undefined ? ci.pr : checkedPositive("--pr", flags.pr, problems),
    run: nonBlank(flags.run) ?? ci.run,
    job: nonBlank(flags.job) ?? ci.job,
    attempt: flags.attempt === undefined ? ci.attempt : checkedPositive("--attempt", flags.attempt, problems),
    variants: (flags.variant ?? []).map((v) => v.trim()),
    format: flags.format,
  };
  for (const variant of metadata.variants) {
    if (!/^[^=\s]+=.+$/.test(variant)) problems.push(`--variant must be key=value, got "${variant}"`);
  }
  let waitTimeoutMs = flags.wait ? DEFAULT_WAIT_TIMEOUT_MS : undefined;
  if (flags["wait-timeout"] !== undefined) {
    waitTimeoutMs = parseWaitTimeout(flags["wait-timeout"]);
    if (waitTimeoutMs === undefined)
      problems.push(`--wait-timeout must be a duration such as 600, 90s or 10m, got "${flags["wait-timeout"]}"`);
  }
  if (metadata.format !== undefined && !(UPLOAD_FORMATS as readonly string[]).includes(metadata.format)) {
    problems.push(`--format must be one of ${UPLOAD_FORMATS.join(", ")}; got "${metadata.format}"`);
  }

  return {
    server: server?.replace(/\/+$/, ""),
    token,
    tokenSource,
    project,
    metadata,
    patterns: flags.patterns,
    failOnError: flags["fail-on-error"] ?? false,
    dryRun: flags["dry-run"] ?? false,
    waitTimeoutMs,
    ci,
    problems,
  };
}

interface ResolvedToken {
  token?: string;
  tokenSource?: string;
  tokenProblem?: string;
}

/** --token, then FLAKEGUARD_TOKEN, then the file named by FLAKEGUARD_TOKEN_FILE (a mounted secret). */
function resolveToken(flag: string | undefined, env: Env, readTokenFile: (path: string) => string): ResolvedToken {
  const direct = nonBlank(flag);
  if (direct) return { token: direct, tokenSource: "--token" };
  const fromEnv = nonBlank(env.FLAKEGUARD_TOKEN);
  if (fromEnv) return { token: fromEnv, tokenSource: "FLAKEGUARD_TOKEN" };
  const file = nonBlank(env.FLAKEGUARD_TOKEN_FILE);
  if (!file) return {};
  try {
    const fromFile = nonBlank(readTokenFile(file));
    if (fromFile) return { token: fromFile, tokenSource: `FLAKEGUARD_TOKEN_FILE (${file})` };
    return { tokenProblem: `FLAKEGUARD_TOKEN_FILE ${file} is empty` };
  } catch (error) {
    return { tokenProblem: `cannot read FLAKEGUARD_TOKEN_FILE ${file}: ${(error as Error).message}` };
  }
}

function checkedPositive(flag: string, value: string, problems: string[]): number | undefined {
  const parsed = positiveInt(value);
  if (parsed === undefined) problems.push(`${flag} must be a positive whole number, got "${value}"`);
  return parsed;
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
