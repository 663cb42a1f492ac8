/** Progress of the work that settles a report: its stage, and each project's rescore in flight. */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { millis } from "./columns.ts";
import { projects } from "./accounts.ts";
import { reports } from "./reports.ts";

// A table of its own beside `reports`, not columns on it: the insert of reports stays as it is, and a
// report's row is written once more only when it changes stage (parsing, settled).
export const reportStages = sqliteTable("report_stages", {
  reportId: text("report_id")
    .primaryKey()
    .references(() => reports.id, { onDelete: "cascade" }),
  stage: text("stage").notNull(),
  at: millis("at").notNull(),
});

// One row per project: its latest rescore, written every second or few thousand tests while it runs.
export const rescoreProgress = sqliteTable("rescore_progress", {
  projectId: text("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  done: integer("done").notNull(),
  total: integer("total").notNull(),
  startedAt: millis("started_at").notNull(),
  updatedAt: millis("updated_at").notNull(),
  finishedAt: millis("finished_at"),
});
