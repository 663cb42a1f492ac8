/** Notification channels and the outbox of messages to deliver. */
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { millis } from "./columns.ts";
import { projects } from "./accounts.ts";

/** A project's notification channel (Slack, webhook, …): its settings, secrets included, and its pacing. */
export const integrations = pgTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    events: jsonb("events").$type<string[]>().notNull(),
    enabled: boolean("enabled").notNull(),
    /** Nothing is sent before this (1 message/s pacing, or a 429's Retry-After): the channel's own rate limit. */
    nextSendAt: millis("next_send_at"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("integrations_project_idx").on(t.projectId)],
);

/** Notifications to deliver, one per event and integration: the unique key keeps an event from being queued twice. */
export const outbox = pgTable(
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
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
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
