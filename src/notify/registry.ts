/**
 * Notification channels, by integration kind. A channel is one file plus one line in NOTIFIERS below.
 *
 * How to add a channel (e.g. `github`):
 * 1. Write `src/notify/<kind>.ts` exporting a `Notifier`: `kind`, a zod `config` schema (validated on
 *    POST/PATCH of an integration; `secrets` lists the config keys masked in API answers), the event
 *    types it receives by default, `maxBatch` (events per message: Slack groups, webhooks send one),
 *    `minIntervalMs` (pacing per integration) and `send(items, ctx)`.
 * 2. `send` makes ONE request for the batch (use `postJson` from ./http.ts: timeout by AbortSignal,
 *    429 Retry-After, 5xx and network errors classified) and returns a `DeliveryResult`: `ok`, or a
 *    failure with `retry` (429/5xx/timeout → backoff; anything else → failed at once) and `retryAfterMs`.
 *    It must not write to the database: the delivery job records the outcome, paces and retries.
 * 3. Add it to NOTIFIERS. Events reach it when a project has an enabled integration of that kind
 *    whose `events` include the event type: `emitEvents` (./emit.ts) writes one outbox row per
 *    (integration, event key); the `deliver-notifications` job sends them. To send something that is
 *    not a domain event of ./events.ts (a check run for one upload, a PR comment), add an event type
 *    there and call `emitEvents` with a deterministic `key`: the same key is never queued twice.
 */
import type { z } from "zod";
import type { Integration } from "../store/integrations.ts";
import type { OutboxItem } from "../store/outbox.ts";
import type { EventType } from "./events.ts";
import { slackNotifier } from "./slack.ts";
import { webhookNotifier } from "./webhook.ts";
import { githubNotifier } from "./github.ts";

/** What a send may use besides the items: the integration (with its secrets), links, limits. */
export interface DeliveryContext {
  integration: Integration;
  /** Base URL of the UI for links back (no trailing slash); undefined when not configured. */
  publicUrl: string | undefined;
  /** How long the one request may take. */
  timeoutMs: number;
  now: number;
  fetch: typeof fetch;
  /** The github channel's sender (src/github/deliver.ts), when GitHub is configured. */
  github?: (item: OutboxItem) => Promise<DeliveryResult>;
}

/** How one send went. `retry` failures are tried again with backoff (or after `retryAfterMs`); others fail for good. */
export type DeliveryResult =
  | { ok: true; status: number | null }
  | { ok: false; retry: boolean; status: number | null; error: string; retryAfterMs?: number };

/** A notification channel. */
export interface Notifier {
  kind: string;
  /** Validates (and normalises) an integration's config. */
  config: z.ZodType<Record<string, unknown>>;
  /** Config keys that are secret: masked in every API answer. */
  secrets: readonly string[];
  /** Event types a new integration of this kind receives unless told otherwise. */
  defaultEvents: readonly EventType[];
  /** Most events in one message. */
  maxBatch: number;
  /** Least time between two messages to one integration (the channel's rate limit). */
  minIntervalMs: number;
  /** Sends one message for `items` (1..maxBatch, oldest first). */
  send(items: OutboxItem[], ctx: DeliveryContext): Promise<DeliveryResult>;
}

/** Every channel, by integration kind. */
export const NOTIFIERS: ReadonlyMap<string, Notifier> = new Map(
  [slackNotifier, webhookNotifier, githubNotifier].map((n) => [n.kind, n]),
);
