/**
 * Notification channels, by integration kind. A channel is one file plus one line in NOTIFIERS below.
 *
 * How to add a channel (e.g. `github`):
 * 1. Write `src/notify/<kind>.ts` exporting a `Notifier` (./notifier.ts): `kind`, a zod `config` schema (validated on
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
import { githubNotifier } from "./github.ts";
import type { Notifier } from "./notifier.ts";
import { slackNotifier } from "./slack.ts";
import { webhookNotifier } from "./webhook.ts";

/** Every channel, by integration kind. */
export const NOTIFIERS: ReadonlyMap<string, Notifier> = new Map(
  [slackNotifier, webhookNotifier, githubNotifier].map((n) => [n.kind, n]),
);
