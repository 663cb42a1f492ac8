/** Emission: events become outbox rows, one per interested integration, and a wake-up for the delivery job. Nothing is sent here. */
import type { JobKind } from "../model/job.ts";
import type { Orm } from "../store/backend/db.ts";
import type { Store } from "../store/index.ts";
import type { Integration } from "../store/integrations.ts";
import type { NewOutboxItem } from "../store/outbox.ts";
import type { NotificationEvent } from "./events.ts";
import { NOTIFIERS } from "./registry.ts";

/** The job kind that delivers due outbox rows. */
export const DELIVER_NOTIFICATIONS_JOB = "deliver-notifications" satisfies JobKind;

/** The outbox rows for some events of one project: each event to every enabled integration that subscribed to its type. */
export function outboxRows(integrations: Integration[], events: NotificationEvent[]): NewOutboxItem[] {
  return integrations
    .filter((i) => i.enabled && NOTIFIERS.has(i.kind))
    .flatMap((i) =>
      events
        .filter((e) => i.events.includes(e.type))
        .map((e) => ({
          projectId: e.project.id,
          integrationId: i.id,
          channel: i.kind,
          eventKey: e.key,
          eventType: e.type,
          payload: e as unknown as Record<string, unknown>,
        })),
    );
}

/** Writes prepared outbox rows (and the delivery job) inside a transaction; returns how many rows were new. */
export type OutboxWrite = (orm: Orm) => Promise<number>;

/** Writes outbox rows and, when any is new, wakes the delivery job, in the caller's transaction. Returns how many were new. */
export async function writeRows(store: Store, rows: NewOutboxItem[], now: number, orm: Orm): Promise<number> {
  const added = (await store.outbox.enqueue(rows, now, orm)).length;
  if (added > 0)
    await store.jobs.enqueueJobOnce({ kind: DELIVER_NOTIFICATIONS_JOB, payload: {}, maxAttempts: 3 }, now, orm);
  return added;
}

/**
 * Prepares the outbox rows of some events of one project (reading its integrations now) and returns
 * the write to run inside the transaction of the change itself, so the change and its notifications
 * commit together; undefined when no integration takes them. An event already queued (same key) is
 * skipped, so recomputing a change never notifies twice.
 */
export async function prepareEvents(
  store: Store,
  events: NotificationEvent[],
  now: number,
  integrations?: Integration[],
): Promise<OutboxWrite | undefined> {
  if (events.length === 0) return undefined;
  const rows = outboxRows(integrations ?? (await store.integrations.enabledIntegrations(events[0].project.id)), events);
  if (rows.length === 0) return undefined;
  return (orm) => writeRows(store, rows, now, orm);
}

/** Queues events of one project for its integrations in a transaction of their own (or the caller's `orm`); returns how many rows were new. */
export async function emitEvents(store: Store, events: NotificationEvent[], now: number, orm?: Orm): Promise<number> {
  const write = await prepareEvents(store, events, now);
  if (!write) return 0;
  return orm ? write(orm) : store.db.tx(write);
}
