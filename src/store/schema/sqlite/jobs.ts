/** The durable job queue and the schedule ticks that fired. */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { millis, json } from "./columns.ts";

export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    payload: json<Record<string, unknown>>("payload").notNull(),
    state: text("state").notNull(),
    runAt: millis("run_at").notNull(),
    attempts: integer("attempts").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    lockedBy: text("locked_by"),
    lockedUntil: millis("locked_until"),
    lastError: text("last_error"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("jobs_claim_idx").on(t.state, t.runAt)],
);

/** One row per schedule tick that fired: the primary key makes a tick fire once across all replicas. */
export const scheduleTicks = sqliteTable(
  "schedule_ticks",
  {
    schedule: text("schedule").notNull(),
    tickAt: millis("tick_at").notNull(),
    firedBy: text("fired_by").notNull(),
    firedAt: millis("fired_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.tickAt] })],
);
