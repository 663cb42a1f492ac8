/** The audit trail: who did what to a project. */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { millis, json } from "./columns.ts";

export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id"),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    data: json<Record<string, unknown>>("data").notNull(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [index("events_project_idx").on(t.projectId, t.createdAt)],
);
