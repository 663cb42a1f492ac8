/** The one typed table of settings: name, type, default, where it may come from, and whether it is secret. */

/** How a setting's text (from env or a flag) is read. */
export type SettingType = "string" | "integer" | "boolean" | "bytes" | "enum";

/** One setting. */
export interface Setting {
  type: SettingType;
  doc: string;
  /** The default; undefined means unset (optional), a function derives it from other settings. */
  default?: string | number | boolean | ((c: Partial<Config>) => string | number | boolean);
  /** Environment variables, first wins; `FLAKEGUARD_<NAME>` unless given. */
  env?: string[];
  /** The command-line flag, when it has one. */
  flag?: string;
  /** Masked in `flakeguard config`; also read from `<ENV>_FILE`. */
  secret?: boolean;
  values?: readonly string[];
  /** A pattern a string value must match, and what to say when it does not. */
  pattern?: { re: RegExp; says: string };
  min?: number;
  max?: number;
}

/** The effective configuration. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  role: "all" | "api" | "worker";
  migrate: boolean;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  adminToken?: string;
  maxUploadBytes: number;
  maxTestcases: number;
  inlineMaxBytes: number;
  shutdownGraceMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  scoreOnIngest: boolean;
  rescoreSchedule: string;
  groupCommitMs: number;
  parseWorkers: number;
  parseWorkerHeapMb: number;
  inlineConcurrency: number;
  reportBatch: number;
  workerConcurrency: number;
  backupSchedule: string;
  backupDir: string;
  backupKeep: number;
  retentionDays: number;
  sessionTtlMs: number;
  sessionMaxAgeMs: number;
  loginAttempts: number;
  trustProxy: boolean;
  redisUrl?: string;
  redisPrefix: string;
  uploadRateLimit: number;
  apiRateLimit: number;
  jobLeaseMs: number;
  githubAppId?: string;
  githubPrivateKey?: string;
  githubWebhookSecret?: string;
  githubApiUrl: string;
  githubToken?: string;
  githubArtifactPatterns: string;
  githubArtifactMaxBytes: number;
  githubArtifactMaxExtractedBytes: number;
  githubArtifactMaxFiles: number;
  githubIssueReopenDays: number;
  githubIssueGroupMin: number;
  publicUrl?: string;
  digestSchedule: string;
  notifyTimeoutMs: number;
  notifyGiveUpMs: number;
  notifyRetentionDays: number;
}

/** Every server setting, in the order `flakeguard config` prints them. */
export const SETTINGS: { [K in keyof Config]-?: Setting } = {
  port: { type: "integer", default: 8080, flag: "port", min: 1, max: 65535, doc: "HTTP port" },
  host: { type: "string", default: "127.0.0.1", flag: "host", doc: "address to listen on" },
  dataDir: {
    type: "string",
    default: "./flakeguard-data",
    flag: "data-dir",
    doc: "data directory (embedded database, lock)",
  },
  databaseUrl: {
    type: "string",
    flag: "database-url",
    env: ["DATABASE_URL", "FLAKEGUARD_DATABASE_URL"],
    secret: true,
    default: (c) => `sqlite:${c.dataDir ?? "./flakeguard-data"}/flakeguard.db`,
    doc: "sqlite:FILE, pglite:DIR or postgres://…",
  },
  role: { type: "enum", values: ["all", "api", "worker"], default: "all", flag: "role", doc: "what this process runs" },
  migrate: {
    type: "boolean",
    default: true,
    flag: "migrate",
    doc: "apply pending migrations at start (false: refuse a stale schema)",
  },
  logLevel: {
    type: "enum",
    values: ["debug", "info", "warn", "error", "silent"],
    default: "info",
    flag: "log-level",
    doc: "log level",
  },
  adminToken: {
    type: "string",
    secret: true,
    pattern: {
      re: /^fga_[A-Za-z0-9_-]{22,}$/,
      says: "must be fga_ followed by at least 22 characters of [A-Za-z0-9_-] (128 random bits)",
    },
    doc: "admin token (fga_…); generated on first start when unset",
  },
  maxUploadBytes: {
    type: "bytes",
    default: 100 * 1024 * 1024,
    min: 1024,
    doc: "largest report accepted, after decompression",
  },
  maxTestcases: {
    type: "integer",
    default: 1_000_000,
    min: 1,
    doc: "most test executions (retries included) in one report; more is refused (413)",
  },
  inlineMaxBytes: {
    type: "bytes",
    default: 8 * 1024 * 1024,
    min: 0,
    doc: "reports up to this size are processed in the request (201); larger ones by the job queue (202)",
  },
  shutdownGraceMs: {
    type: "integer",
    default: 10_000,
    min: 0,
    max: 600_000,
    doc: "how long in-flight requests may finish after SIGTERM (ms)",
  },
  headersTimeoutMs: {
    type: "integer",
    default: 20_000,
    min: 100,
    max: 600_000,
    doc: "a client must send its request headers within this long, or gets 408 (slowloris; ms)",
  },
  requestTimeoutMs: {
    type: "integer",
    default: 300_000,
    min: 100,
    max: 3_600_000,
    doc: "a client must send its whole request, body included, within this long, or gets 408 (ms)",
  },
  groupCommitMs: {
    type: "integer",
    default: 20,
    min: 0,
    max: 1000,
    doc: "SQLite and PGlite: uploads stored within this many ms of each other share one commit, each answered after it (0: a commit per upload; PostgreSQL always commits per upload)",
  },
  parseWorkers: {
    type: "integer",
    default: 1,
    min: 0,
    max: 64,
    doc: "worker threads that parse reports, so parsing overlaps database writes and never blocks other requests (0: parse on the main thread)",
  },
  parseWorkerHeapMb: {
    type: "integer",
    default: 1024,
    min: 64,
    max: 65_536,
    doc: "heap limit of each parse worker (MB): a report needing more fails its upload, never the server",
  },
  inlineConcurrency: {
    type: "integer",
    default: 1,
    min: 0,
    max: 1000,
    doc: "uploads processed in their request at once (201 with counts); while that many are, further uploads are stored raw, answered 202 and processed by the queue in batches (0: always queue)",
  },
  reportBatch: {
    type: "integer",
    default: 64,
    min: 1,
    max: 1000,
    doc: "queued reports the worker claims at once: stored in transactions of up to 50,000 results while the next parse, then scored together",
  },
  workerConcurrency: {
    type: "integer",
    default: 0,
    min: 0,
    max: 64,
    doc: "jobs one process runs at once; 0: 1 on SQLite and PGlite (one loop stores bigger batches), 2 on PostgreSQL",
  },
  scoreOnIngest: {
    type: "boolean",
    default: true,
    doc: "score the tests of each report as it arrives (false: only the scheduled rescore)",
  },
  rescoreSchedule: {
    type: "string",
    default: "17 * * * *",
    doc: "cron schedule of the full rescore of every project (croner syntax)",
  },
  backupSchedule: {
    type: "string",
    default: "off",
    doc: "cron schedule of the backup into backupDir (croner syntax), or off",
  },
  backupDir: {
    type: "string",
    default: (c) => `${c.dataDir ?? "./flakeguard-data"}/backups`,
    doc: "where scheduled backups (and `flakeguard backup` without --to) are written",
  },
  backupKeep: {
    type: "integer",
    default: 7,
    min: 1,
    max: 10_000,
    doc: "scheduled backups kept in backupDir; older ones are deleted",
  },
  retentionDays: {
    type: "integer",
    default: 90,
    min: 0,
    max: 36_500,
    doc: "raw reports and per-test results older than this are pruned daily; tests, verdicts and aggregates stay (0: keep forever)",
  },
  sessionTtlMs: {
    type: "integer",
    default: 7 * 24 * 3_600_000,
    min: 60_000,
    doc: "a sign-in session ends after this long unused (sliding; ms)",
  },
  sessionMaxAgeMs: {
    type: "integer",
    default: 30 * 24 * 3_600_000,
    min: 60_000,
    doc: "a sign-in session ends this long after sign-in, however much it is used (ms)",
  },
  loginAttempts: {
    type: "integer",
    default: 10,
    min: 1,
    max: 10_000,
    doc: "sign-in attempts per name and client address per 15 minutes (5 times as many per address), then 429",
  },
  trustProxy: {
    type: "boolean",
    default: false,
    doc: "take the client address from X-Forwarded-For (only behind a reverse proxy that sets it)",
  },
  redisUrl: {
    type: "string",
    env: ["REDIS_URL", "FLAKEGUARD_REDIS_URL"],
    secret: true,
    doc: "Redis for shared state across replicas",
  },
  redisPrefix: {
    type: "string",
    default: "flakeguard:",
    doc: "prefix of every Redis key and channel (several installations can share one Redis)",
  },
  uploadRateLimit: {
    type: "integer",
    default: 3000,
    min: 0,
    doc: "report uploads per token per minute (0: unlimited); shared across replicas with Redis",
  },
  apiRateLimit: {
    type: "integer",
    default: 6000,
    min: 0,
    doc: "other API requests per token per minute (0: unlimited); shared across replicas with Redis",
  },
  jobLeaseMs: {
    type: "integer",
    default: 60_000,
    min: 1000,
    max: 3_600_000,
    doc: "a running job is renewed every third of this; a job whose worker died is retried by another after it (ms)",
  },
  githubAppId: { type: "string", doc: "GitHub App id" },
  githubPrivateKey: { type: "string", secret: true, doc: "GitHub App private key (PEM)" },
  githubWebhookSecret: { type: "string", secret: true, doc: "GitHub App webhook secret" },
  githubApiUrl: {
    type: "string",
    default: "https://api.github.com",
    pattern: { re: /^https?:\/\/[^\s]+$/, says: "must be an http(s) URL" },
    doc: "GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3)",
  },
  githubToken: {
    type: "string",
    secret: true,
    doc: "token mode: a personal or installation token for PR comments on CLI uploads to projects linked to a repository",
  },
  githubArtifactPatterns: {
    type: "string",
    default: "*test*report*,*junit*,*results*",
    doc: "artifact names that hold test reports (comma-separated, * and ?, case-insensitive)",
  },
  githubArtifactMaxBytes: {
    type: "bytes",
    default: 200 * 1024 * 1024,
    min: 1024,
    doc: "largest artifact zip downloaded",
  },
  githubArtifactMaxExtractedBytes: {
    type: "bytes",
    default: 1024 * 1024 * 1024,
    min: 1024,
    doc: "largest sum of files extracted from one artifact (each file at most maxUploadBytes)",
  },
  githubArtifactMaxFiles: { type: "integer", default: 10_000, min: 1, doc: "most entries in one artifact zip" },
  githubIssueReopenDays: {
    type: "integer",
    default: 30,
    min: 0,
    doc: "a test that flakes again within this many days of its issue closing reopens it (later: a new issue)",
  },
  githubIssueGroupMin: {
    type: "integer",
    default: 3,
    min: 2,
    doc: "this many tests of one suite turning flaky together get one issue",
  },
  publicUrl: {
    type: "string",
    pattern: { re: /^https?:\/\/[^\s]+$/, says: "must be an http(s) URL" },
    doc: "the URL people open FlakeGuard at (links in Slack messages and webhooks)",
  },
  digestSchedule: {
    type: "string",
    default: "0 9 * * *",
    doc: "cron schedule of the daily Slack digest (croner syntax, server time zone)",
  },
  notifyTimeoutMs: {
    type: "integer",
    default: 10_000,
    min: 100,
    max: 120_000,
    doc: "how long one notification request may take before it counts as failed and is retried (ms)",
  },
  notifyGiveUpMs: {
    type: "integer",
    default: 3_600_000,
    min: 1000,
    doc: "how long a notification is retried before it is marked failed (ms)",
  },
  notifyRetentionDays: {
    type: "integer",
    default: 30,
    min: 1,
    max: 3650,
    doc: "how long sent and failed notifications stay in the deliveries view (days)",
  },
};

/** `dataDir` → `FLAKEGUARD_DATA_DIR`. */
export function defaultEnvName(key: string): string {
  return "FLAKEGUARD_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

/** The environment variables a setting is read from, first wins. */
export function envNames(key: keyof Config): string[] {
  return SETTINGS[key].env ?? [defaultEnvName(key)];
}
