/** The process: where it listens, its database, its role, its log and the admin token. */
import type { SettingRows } from "./types.ts";

/** The process: rows of SETTINGS, in the order `flakeguard config` prints them. */
export const SERVER_SETTINGS = {
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
  metricsToken: {
    type: "string",
    secret: true,
    pattern: { re: /^\S{16,}$/, says: "must be at least 16 characters without spaces" },
    doc: "bearer token /metrics asks for (its labels name projects); unset: /metrics is open",
  },
} satisfies SettingRows;
