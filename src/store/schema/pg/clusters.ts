/** Co-failure clusters: groups of a project's flaky tests that fail together (analyze/clusters.ts). */
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { millis } from "./columns.ts";
import { projects } from "./accounts.ts";

export const clusters = pgTable(
  "clusters",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    // Few per project and always read whole: the members' ids as a list, not a row each.
    testIds: jsonb("test_ids").$type<string[]>().notNull(),
    coFailures: integer("co_failures").notNull(),
    failures: integer("failures").notNull(),
    evidence: jsonb("evidence").$type<unknown>().notNull(),
    foundAt: millis("found_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("clusters_project_idx").on(t.projectId)],
);
