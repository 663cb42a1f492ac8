/** What a notification channel is (see the checklist in registry.ts) and what its one send gets and answers. */
import type { z } from "zod";
import type { Integration } from "../store/integrations.ts";
import type { OutboxItem } from "../store/outbox.ts";
import type { EventType } from "./events.ts";

/** What a send may use besides the items: the integration (with its secrets), links, limits. */
export interface DeliveryContext {
  integration: Integration;
  /** Base URL of the UI for links back (no trailing slash); undefined when not configured. */
  publicUrl: string | undefined;
  /** How long the one request may take. */
  timeoutMs: number;
  now: number;
  fetch: typeof fetch;
  /** Whether loopback and private addresses may be sent to (notifyAllowPrivate; see ./address.ts). */
  allowPrivate: boolean;
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
