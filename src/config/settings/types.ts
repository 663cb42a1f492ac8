/** The types of the settings table: what a setting is, and the configuration they make up. */

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
  metricsToken?: string;
  maxUploadBytes: number;
  maxUploadParts: number;
  uploadMemoryBudget: number;
  uploadConcurrency: number;
  maxTestcases: number;
  inlineMaxBytes: number;
  shutdownGraceMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  scoreOnIngest: boolean;
  clusters: boolean;
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
  notifyAllowPrivate: boolean;
}

/** Some rows of the settings table, each keyed by its field of Config. */
export type SettingRows = { [K in keyof Config]?: Setting };
