/** Emission: events become outbox rows, one per interested integration, and a wake-up for the delivery job. Nothing is sent here. */
import type { Orm } from "../store/db.ts";
import type { Store } from "../store/index.ts";
import type { Integration } from "../store/integrations.ts";
import type { NewOutboxItem } from "../store/outbox.ts";
import type { NotificationEvent } from "./events.ts";
import { NOTIFIERS } from "./registry.ts";

/** The job kind that delivers due outbox rows. */
export const DELIVER_NOTIFICATIONS_JOB = "deliver-notifications";

/** The outbox rows for some events of one project: each event to every enabled integration that subscribed to its type. */
export function outboxRows(integrations: Integration[], events: NotificationEvent[]): NewOutboxItem[] {
  return integrations.filter((i) => i.enabled && NOTIFIERS.has(i.kind)).flatMap((i) =>
    events.filter((e) => i.events.includes(e.type)).map((e) => ({
      projectId: e.project.id, integrationId: i.id, channel: i.kind, eventKey: e.key, eventType: e.type,
      payload: e as unknown as Record<string, unknown>,
    })));
}

/**
 * Queues events of one project for its integrations and, when any row is new, a delivery job. Pass
 * `orm` to write inside the caller's transaction (the change and its notifications commit together).
 * An event already queued (same key) is skipped, so recomputing a change never notifies twice.
 * Returns how many rows were new; the caller wakes the worker.
 */
export async function emitEvents(store: Store, events: NotificationEvent[], now: number, orm?: Orm): Promise<number> {
  if (events.length === 0) return 0;
  const integrations = await store.integrations.enabledIntegrations(events[0].project.id);
  const rows = outboxRows(integrations, events);
  if (rows.length === 0) return 0;
  const write = async (o: Orm) => {
    const added = (await store.outbox.enqueue(rows, now, o)).length;
    if (added > 0) await store.jobs.enqueueJobOnce({ kind: DELIVER_NOTIFICATIONS_JOB, payload: {}, maxAttempts: 3 }, now, o);
    return added;
  };
  return orm ? write(orm) : store.db.tx(write);
}
