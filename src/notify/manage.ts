/** Managing integrations: validation per channel, secrets masked in answers, kept on update, and test messages. */
import { randomBytes } from "node:crypto";
import { AppError, notFound } from "../lib/errors.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";
import type { Integration } from "../store/integrations.ts";
import type { OutboxItem } from "../store/outbox.ts";
import { DELIVER_NOTIFICATIONS_JOB } from "./emit.ts";
import { EVENT_TYPES, type EventType, type NotificationEvent } from "./events.ts";
import type { Notifier } from "./notifier.ts";
import { NOTIFIERS } from "./registry.ts";

/** What a person sends to create or change an integration. */
export interface IntegrationInput {
  kind?: string;
  name?: string;
  config?: Record<string, unknown>;
  events?: string[];
  enabled?: boolean;
}

/** Masks a secret, keeping its last 4 characters so people can tell two apart. */
export function maskSecret(value: unknown): string {
  const s = String(value ?? "");
  return s.length <= 8 ? "****" : `****${s.slice(-4)}`;
}

/** An integration's config with its secrets masked, as every answer shows it. */
export function maskedConfig(i: Pick<Integration, "kind" | "config">): Record<string, unknown> {
  const secrets = NOTIFIERS.get(i.kind)?.secrets ?? [];
  return Object.fromEntries(
    Object.entries(i.config).map(([k, v]) => [k, secrets.includes(k) && v != null ? maskSecret(v) : v]),
  );
}

function notifierOf(kind: string): Notifier {
  const n = NOTIFIERS.get(kind);
  if (!n)
    throw new AppError(
      400,
      "invalid_request",
      `kind: unknown integration kind '${kind}' (one of ${[...NOTIFIERS.keys()].join(", ")})`,
    );
  return n;
}

function validConfig(n: Notifier, config: unknown): Record<string, unknown> {
  const parsed = n.config.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const why = parsed.error.issues
    .map((i) => `config${i.path.length ? "." + i.path.join(".") : ""}: ${i.message}`)
    .join("; ");
  throw new AppError(400, "invalid_request", why);
}

/** The event types an integration of `kind` may subscribe to: not `ping` (test messages go to any), nor another channel's own (`github.…`). */
function subscribable(kind: string): string[] {
  return EVENT_TYPES.filter((e) => e !== "ping" && (!NOTIFIERS.has(e.split(".")[0]) || e.split(".")[0] === kind));
}

function validEvents(kind: string, events: string[] | undefined, fallback: readonly string[]): string[] {
  if (events === undefined) return [...fallback];
  const allowed = subscribable(kind);
  const unknown = events.filter((e) => !allowed.includes(e));
  if (unknown.length > 0)
    throw new AppError(
      400,
      "invalid_request",
      `events: unknown event type(s) ${unknown.join(", ")} for ${kind} (one of ${allowed.join(", ")})`,
    );
  return [...new Set(events)];
}

/** Creates an integration; 400 naming the bad field. The answer's config is unmasked once (a generated webhook secret is shown here only). */
export async function createIntegration(
  store: Store,
  project: Project,
  input: IntegrationInput,
  actor: string,
  now: number,
): Promise<Integration> {
  const n = notifierOf(input.kind ?? "");
  const config = validConfig(n, input.config);
  const events = validEvents(n.kind, input.events, n.defaultEvents);
  const name = input.name?.trim() || n.kind;
  return store.integrations.createIntegration(
    { projectId: project.id, kind: n.kind, name, config, events, enabled: input.enabled ?? true },
    {
      projectId: project.id,
      kind: "integration.created",
      actor,
      data: { kind: n.kind, name, events, config: maskedConfig({ kind: n.kind, config }) },
    },
    now,
  );
}

/** Changes an integration; secrets left out (or sent back masked) keep their value. 404 / 400. */
export async function updateIntegration(
  store: Store,
  project: Project,
  id: string,
  input: IntegrationInput,
  actor: string,
  now: number,
): Promise<Integration> {
  const current = await store.integrations.getIntegration(project.id, id);
  if (!current) throw notFound(`integration '${id}' in project '${project.slug}'`);
  if (input.kind !== undefined && input.kind !== current.kind)
    throw new AppError(400, "invalid_request", "kind: cannot be changed; create another integration");
  const n = notifierOf(current.kind);
  let config: Record<string, unknown> | undefined;
  if (input.config !== undefined) {
    const kept = Object.fromEntries(
      n.secrets
        .filter((k) => input.config![k] === undefined || input.config![k] === maskSecret(current.config[k]))
        .map((k) => [k, current.config[k]]),
    );
    config = validConfig(
      n,
      Object.fromEntries(Object.entries({ ...input.config, ...kept }).filter(([, v]) => v !== undefined)),
    );
  }
  const patch = {
    ...(input.name !== undefined ? { name: input.name.trim() || current.name } : {}),
    ...(config ? { config } : {}),
    ...(input.events !== undefined ? { events: validEvents(n.kind, input.events, n.defaultEvents) } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
  const updated = await store.integrations.updateIntegration(
    project.id,
    id,
    patch,
    {
      projectId: project.id,
      kind: "integration.updated",
      actor,
      data: {
        integrationId: id,
        ...patch,
        ...(config ? { config: maskedConfig({ kind: current.kind, config }) } : {}),
      },
    },
    now,
  );
  if (!updated) throw notFound(`integration '${id}' in project '${project.slug}'`);
  return updated;
}

/** Deletes an integration and its queued notifications; 404 when there is none. */
export async function deleteIntegration(
  store: Store,
  project: Project,
  id: string,
  actor: string,
  now: number,
): Promise<void> {
  const done = await store.integrations.deleteIntegration(
    project.id,
    id,
    { projectId: project.id, kind: "integration.deleted", actor, data: { integrationId: id } },
    now,
  );
  if (!done) throw notFound(`integration '${id}' in project '${project.slug}'`);
}

/** Queues a test message for an integration (whatever its event filter, even disabled ones are refused: 409). */
export async function queueTestMessage(
  store: Store,
  project: Project,
  id: string,
  actor: string,
  now: number,
): Promise<OutboxItem> {
  const i = await store.integrations.getIntegration(project.id, id);
  if (!i) throw notFound(`integration '${id}' in project '${project.slug}'`);
  if (!i.enabled) throw new AppError(409, "conflict", `integration '${id}' is disabled`);
  const type: EventType = "ping";
  const event: NotificationEvent = {
    type,
    key: `ping:${now}:${randomBytes(4).toString("hex")}`,
    occurredAt: now,
    project: { id: project.id, slug: project.slug, name: project.name },
    message: `Test message from FlakeGuard, sent by ${actor}.`,
  };
  const [queued] = await store.db.tx(async (orm) => {
    const ids = await store.outbox.enqueue(
      [
        {
          projectId: project.id,
          integrationId: i.id,
          channel: i.kind,
          eventKey: event.key,
          eventType: type,
          payload: event as unknown as Record<string, unknown>,
        },
      ],
      now,
      orm,
    );
    await store.jobs.enqueueJobOnce({ kind: DELIVER_NOTIFICATIONS_JOB, payload: {}, maxAttempts: 3 }, now, orm);
    return ids;
  });
  return (await store.outbox.getDelivery(project.id, queued))!;
}
