/** Running several replicas: the Redis they share, the per-token rate limits it counts, and job leases. */
import type { SettingRows } from "./types.ts";

/** Running several replicas: rows of SETTINGS, in the order `flakeguard config` prints them. */
export const REPLICA_SETTINGS = {
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
} satisfies SettingRows;
