/** The audit trail: who did what to a project. */
import { bigint, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { millis } from "./columns.ts";

export const events = pgTable(
  "events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    projectId: text("project_id"),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [index("events_project_idx").on(t.projectId, t.createdAt)],
);
