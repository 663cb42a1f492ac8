/** Uploaded reports, the tests they name and each test's results. */
import { sql } from "drizzle-orm";
import { blob, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { millis, json } from "./columns.ts";
import { projects } from "./accounts.ts";

export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    dedupeKey: text("dedupe_key").notNull(),
    contentHash: text("content_hash").notNull(),
    format: text("format"),
    commitSha: text("commit_sha"),
    branch: text("branch"),
    pr: text("pr"),
    ciRun: text("ci_run"),
    job: text("job"),
    attempt: integer("attempt").notNull(),
    variant: text("variant").notNull(),
    filename: text("filename"),
    state: text("state").notNull(),
    error: json<{ code: string; message: string }>("error"),
    counts: json<Record<string, number>>("counts"),
    rawSize: integer("raw_size").notNull(),
    raw: blob("raw", { mode: "buffer" }),
    receivedAt: millis("received_at").notNull(),
    processedAt: millis("processed_at"),
  },
  (t) => [
    uniqueIndex("reports_dedupe_idx").on(t.projectId, t.dedupeKey),
    index("reports_project_state_idx").on(t.projectId, t.state),
    index("reports_project_run_idx").on(t.projectId, t.ciRun),
    index("reports_project_commit_idx").on(t.projectId, t.commitSha),
    // Newest reports of a project first: the runs list and the overview's failures per day.
    index("reports_project_received_idx").on(t.projectId, t.receivedAt),
  ],
);

export const tests = sqliteTable(
  "tests",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    suite: text("suite").notNull(),
    name: text("name").notNull(),
    file: text("file").notNull(),
    firstSeenAt: millis("first_seen_at").notNull(),
    lastSeenAt: millis("last_seen_at").notNull(),
  },
  // A project's tests in id order: the test list's page of tests never scored (or scored 0) reads this range
  // from the cursor on and stops at the page's end, instead of sorting every test of the project.
  (t) => [index("tests_project_id_idx").on(t.projectId, t.id)],
);

export const results = sqliteTable(
  "results",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    testId: text("test_id")
      .notNull()
      .references(() => tests.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    status: text("status").notNull(),
    final: integer("final", { mode: "boolean" }).notNull(),
    durationMs: integer("duration_ms"),
    message: text("message"),
    stack: text("stack"),
    fingerprint: text("fingerprint"),
    output: text("output"),
  },
  (t) => [
    // One index keyed by test, covering what a test's history needs (status, final, fingerprint): a rescore
    // reads a few index pages per test instead of one table row per report (at 1 M results the table rows
    // were ~4 ms a test, nearly all of scoring). A second index keyed by test doubled the random index
    // writes of every report (2,000 scattered pages each). Attempts are unique by construction (one parse
    // numbers them, and a report's results are written once, in the transaction that marks it processed).
    index("results_test_history_idx").on(t.testId, t.reportId, t.attempt, t.status, t.final, t.fingerprint),
    index("results_report_idx").on(t.reportId),
    // Failures only (passing rows have no fingerprint): which tests share a failure, cheaply.
    index("results_fingerprint_idx")
      .on(t.fingerprint)
      .where(sql`fingerprint is not null`),
  ],
);
