/** What analysis concludes: verdicts per test, incidents, failure groups and the daily counts. */
import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { millis } from "./columns.ts";
import { projects } from "./accounts.ts";
import { reports, tests } from "./reports.ts";

export const verdicts = pgTable(
  "verdicts",
  {
    testId: text("test_id")
      .notNull()
      .references(() => tests.id, { onDelete: "cascade" }),
    variant: text("variant").notNull(),
    projectId: text("project_id").notNull(),
    status: text("status").notNull(),
    score: doublePrecision("score").notNull(),
    low: doublePrecision("low").notNull(),
    high: doublePrecision("high").notNull(),
    failureRate: doublePrecision("failure_rate").notNull(),
    runs: integer("runs").notNull(),
    failures: integer("failures").notNull(),
    lastFailureAt: millis("last_failure_at"),
    evidence: jsonb("evidence").$type<unknown[]>().notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.testId, t.variant] }),
    // The leaderboard (a status, best score first) reads this index in order and stops at the page's end.
    index("verdicts_project_status_score_idx").on(t.projectId, t.variant, t.status, t.score.desc(), t.testId),
    // The test list by failures or by latest failure: only tests that failed have a row, so they cost a write
    // only when a failing test is scored, and a page reads them in order.
    index("verdicts_project_failures_idx")
      .on(t.projectId, t.variant, t.failures.desc(), t.testId)
      .where(sql`failures > 0`),
    index("verdicts_project_last_failure_idx")
      .on(t.projectId, t.variant, t.lastFailureAt.desc(), t.testId)
      .where(sql`last_failure_at is not null`),
  ],
);

export const incidents = pgTable(
  "incidents",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    ciRun: text("ci_run"),
    job: text("job"),
    commitSha: text("commit_sha"),
    cause: text("cause"),
    reason: text("reason").notNull(),
    failing: integer("failing").notNull(),
    total: integer("total").notNull(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("incidents_report_idx").on(t.reportId),
    index("incidents_project_idx").on(t.projectId, t.createdAt),
  ],
);

export const failureGroups = pgTable(
  "failure_groups",
  {
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    fingerprint: text("fingerprint").notNull(),
    message: text("message"),
    stack: text("stack"),
    occurrences: integer("occurrences").notNull(),
    firstSeenAt: millis("first_seen_at").notNull(),
    lastSeenAt: millis("last_seen_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.fingerprint] }),
    // The project page lists the most recently seen groups.
    index("failure_groups_project_seen_idx").on(t.projectId, t.lastSeenAt),
  ],
);

/** A project's counts at the end of each day (the rescore job writes today's): the overview's 30-day trend. */
export const dailyCounts = pgTable(
  "daily_counts",
  {
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** UTC day, YYYY-MM-DD. */
    day: text("day").notNull(),
    tests: integer("tests").notNull(),
    flaky: integer("flaky").notNull(),
    broken: integer("broken").notNull(),
    quarantined: integer("quarantined").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.day] })],
);
