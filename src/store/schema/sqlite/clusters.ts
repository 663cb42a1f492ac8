/** Co-failure clusters: groups of a project's flaky tests that fail together (analyze/clusters.ts). */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { json, millis } from "./columns.ts";
import { projects } from "./accounts.ts";

export const clusters = sqliteTable(
  "clusters",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    // Few per project and always read whole: the members' ids as a list, not a row each.
    testIds: json<string[]>("test_ids").notNull(),
    coFailures: integer("co_failures").notNull(),
    failures: integer("failures").notNull(),
    evidence: json<unknown>("evidence").notNull(),
    foundAt: millis("found_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("clusters_project_idx").on(t.projectId)],
);
