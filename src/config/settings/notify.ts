/** Notifications: the public URL in links, the digest's schedule, delivery timeouts and retention. */
import type { SettingRows } from "./types.ts";

/** Notifications: rows of SETTINGS, in the order `flakeguard config` prints them. */
export const NOTIFY_SETTINGS = {
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
  notifyAllowPrivate: {
    type: "boolean",
    default: false,
    doc: "let Slack and webhook integrations send to loopback, private and link-local addresses (off: such deliveries fail, naming this setting)",
  },
  notifyRetentionDays: {
    type: "integer",
    default: 30,
    min: 1,
    max: 3650,
    doc: "how long sent and failed notifications stay in the deliveries view (days)",
  },
} satisfies SettingRows;
