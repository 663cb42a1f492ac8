/** Delivery: sends due outbox rows through their channel, records the outcome, paces each integration, retries with backoff. */
import type { Logger } from "../lib/log.ts";
import type { Store } from "../store/index.ts";
import type { Integration } from "../store/integrations.ts";
import type { OutboxItem } from "../store/outbox.ts";
import { afterFailure } from "./backoff.ts";
import type { DeliveryResult, Notifier } from "./notifier.ts";
import { NOTIFIERS } from "./registry.ts";

/** What delivery needs. */
export interface DeliveryDeps {
  store: Store;
  clock: () => number;
  log?: Logger;
  publicUrl: string | undefined;
  timeoutMs: number;
  giveUpMs: number;
  /** Whether loopback and private addresses may be sent to (notifyAllowPrivate). */
  allowPrivate: boolean;
  /** Counts each notification's outcome per attempt: sent, retried, failed. */
  count?: (channel: string, outcome: "sent" | "retried" | "failed", n: number) => void;
  fetch?: typeof fetch;
  /** The github channel's sender (src/github/deliver.ts). */
  github?: (item: OutboxItem) => Promise<DeliveryResult>;
}

/** What one round did, and when the next notification is due (for the follow-up job). */
export interface DeliveryRound {
  sent: number;
  retried: number;
  failed: number;
  nextDueAt: number | undefined;
}

/** Integrations served per round (each gets at most its own time budget, all in parallel). */
const INTEGRATIONS_PER_ROUND = 50;
/** A channel without pacing (webhooks) sends several messages per round, for up to this long. */
const ROUND_BUDGET_MS = 2000;

/**
 * One round: every integration with a due notification and a free send slot sends (Slack one grouped
 * message, webhooks one POST per event for up to ROUND_BUDGET_MS), in parallel. Nothing sleeps: pacing
 * and Retry-After are the integration's next_send_at, and the job is queued again for the next due
 * time, so a slow or failing integration holds the worker for at most one request timeout.
 */
export async function deliverDue(d: DeliveryDeps): Promise<DeliveryRound> {
  const round: DeliveryRound = { sent: 0, retried: 0, failed: 0, nextDueAt: undefined };
  const ids = await d.store.outbox.dueIntegrations(d.clock(), INTEGRATIONS_PER_ROUND);
  const integrations = await d.store.integrations.integrationsById(ids);
  await Promise.all(
    [...integrations.values()].map((i) =>
      deliverTo(d, i, round).catch((e) => {
        d.log?.warn({ err: e, integration: i.id }, "notification delivery failed");
      }),
    ),
  );
  round.nextDueAt = await d.store.outbox.nextDueAt();
  return round;
}

async function deliverTo(d: DeliveryDeps, integration: Integration, round: DeliveryRound): Promise<void> {
  const notifier = NOTIFIERS.get(integration.kind);
  const leaseMs = d.timeoutMs + 30_000;
  const started = d.clock();
  if (!(await d.store.integrations.takeSendSlot(integration.id, started, started + leaseMs))) return; // another worker has it
  let nextSlot = started;
  try {
    for (let messages = 0; ; messages++) {
      const now = d.clock();
      const items = await d.store.outbox.claim(integration.id, now, leaseMs, notifier?.maxBatch ?? 100);
      if (items.length === 0) break;
      const result: DeliveryResult = notifier
        ? await send(notifier, items, {
            integration,
            publicUrl: d.publicUrl,
            timeoutMs: d.timeoutMs,
            now,
            fetch: d.fetch ?? fetch,
            allowPrivate: d.allowPrivate,
            github: d.github,
          })
        : { ok: false, retry: false, status: null, error: `no channel '${integration.kind}'` };
      const done = d.clock();
      await record(d, integration.kind, items, result, done, round);
      nextSlot = done + Math.max(notifier?.minIntervalMs ?? 0, result.ok ? 0 : (result.retryAfterMs ?? 0));
      if (!result.ok || !notifier || notifier.minIntervalMs > 0 || done - started >= ROUND_BUDGET_MS) break;
    }
  } finally {
    await d.store.integrations.setNextSendAt(integration.id, nextSlot);
  }
}

/** A notifier that throws (a bug) must not leave its rows in `sending`: it counts as a retryable failure, given up in time like a 5xx. */
async function send(
  notifier: Notifier,
  items: OutboxItem[],
  ctx: Parameters<Notifier["send"]>[1],
): Promise<DeliveryResult> {
  try {
    return await notifier.send(items, ctx);
  } catch (e) {
    return { ok: false, retry: true, status: null, error: `notifier failed: ${(e as Error).message}` };
  }
}

async function record(
  d: DeliveryDeps,
  channel: string,
  items: OutboxItem[],
  result: DeliveryResult,
  now: number,
  round: DeliveryRound,
): Promise<void> {
  const ids = items.map((i) => i.id);
  if (result.ok) {
    await d.store.outbox.markSent(ids, { status: result.status, error: null }, now);
    round.sent += ids.length;
    d.count?.(channel, "sent", ids.length);
    return;
  }
  const outcome = { status: result.status, error: result.error };
  // One decision for the whole message, so a group retries (and is given up) together.
  const oldest = {
    attempts: Math.max(...items.map((i) => i.attempts)),
    createdAt: Math.min(...items.map((i) => i.createdAt)),
  };
  const next = afterFailure(result, oldest, now, d.giveUpMs);
  const failed = next.retry ? [] : ids;
  if (next.retry) await d.store.outbox.markRetry(ids, outcome, next.at, now);
  else await d.store.outbox.markFailed(ids, outcome, now);
  const retried = ids.length - failed.length;
  round.retried += retried;
  round.failed += failed.length;
  if (retried > 0) d.count?.(channel, "retried", retried);
  if (failed.length > 0) d.count?.(channel, "failed", failed.length);
  d.log?.warn(
    { channel, status: result.status, error: result.error, retried, failed: failed.length },
    "notification not delivered",
  );
}
