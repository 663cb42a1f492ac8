/** Notification channels and the outbox of messages to deliver. */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { millis, json } from "./columns.ts";
import { projects } from "./accounts.ts";

/** A project's notification channel (Slack, webhook, …): its settings, secrets included, and its pacing. */
export const integrations = sqliteTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    config: json<Record<string, unknown>>("config").notNull(),
    events: json<string[]>("events").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    /** Nothing is sent before this (1 message/s pacing, or a 429's Retry-After): the channel's own rate limit. */
    nextSendAt: millis("next_send_at"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("integrations_project_idx").on(t.projectId)],
);

/** Notifications to deliver, one per event and integration: the unique key keeps an event from being queued twice. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    integrationId: text("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    eventKey: text("event_key").notNull(),
    eventType: text("event_type").notNull(),
    payload: json<Record<string, unknown>>("payload").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: millis("next_attempt_at").notNull(),
    lockedUntil: millis("locked_until"),
    lastError: text("last_error"),
    lastStatus: integer("last_status"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
    sentAt: millis("sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_event_idx").on(t.integrationId, t.eventKey),
    index("outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("outbox_project_idx").on(t.projectId, t.createdAt),
  ],
);
