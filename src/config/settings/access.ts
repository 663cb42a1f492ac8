/** Signing in: session lifetimes, sign-in attempts, and where the client address comes from. */
import type { SettingRows } from "./types.ts";

/** Signing in: rows of SETTINGS, in the order `flakeguard config` prints them. */
export const ACCESS_SETTINGS = {
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
} satisfies SettingRows;
