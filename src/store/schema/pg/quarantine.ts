/** Quarantined tests and each project's quarantine policy. */
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { millis } from "./columns.ts";
import { projects } from "./accounts.ts";
import { tests } from "./reports.ts";

export const quarantines = pgTable(
  "quarantines",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    testId: text("test_id")
      .notNull()
      .references(() => tests.id, { onDelete: "cascade" }),
    state: text("state").notNull(),
    mode: text("mode").notNull(),
    reason: text("reason").notNull(),
    owner: text("owner"),
    decidedBy: text("decided_by").notNull(),
    since: millis("since").notNull(),
    expiresAt: millis("expires_at"),
    releasedAt: millis("released_at"),
    releasedBy: text("released_by"),
    releaseReason: text("release_reason"),
    vetoUntil: millis("veto_until"),
  },
  (t) => [
    // At most one active entry per test, even when two replicas decide at once.
    uniqueIndex("quarantines_active_idx")
      .on(t.testId)
      .where(sql`state = 'active'`),
    index("quarantines_project_idx").on(t.projectId, t.state),
    index("quarantines_test_idx").on(t.testId, t.since),
  ],
);

export const policies = pgTable("policies", {
  projectId: text("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  policy: jsonb("policy").$type<Record<string, unknown>>().notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: millis("updated_at").notNull(),
});
