/** The GitHub App: installations, linked repositories, webhook deliveries and what was posted. */
import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { millis, json } from "./columns.ts";
import { projects } from "./accounts.ts";

/** GitHub App installations (the account that installed the App); removedAt when uninstalled. */
export const githubInstallations = sqliteTable("github_installations", {
  id: text("id").primaryKey(),
  account: text("account").notNull(),
  createdAt: millis("created_at").notNull(),
  updatedAt: millis("updated_at").notNull(),
  removedAt: millis("removed_at"),
});

/** Which project a GitHub repository reports into (full name lower-cased); installationId null in token mode. */
export const githubRepositories = sqliteTable(
  "github_repositories",
  {
    fullName: text("full_name").primaryKey(),
    installationId: text("installation_id"),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("github_repositories_project_idx").on(t.projectId)],
);

/** Webhook deliveries by X-GitHub-Delivery: the primary key makes a redelivery a no-op; the payload waits here for the job. */
export const githubDeliveries = sqliteTable("github_deliveries", {
  id: text("id").primaryKey(),
  event: text("event").notNull(),
  action: text("action"),
  payload: json<Record<string, unknown>>("payload").notNull(),
  receivedAt: millis("received_at").notNull(),
  processedAt: millis("processed_at"),
  error: text("error"),
});

/** What FlakeGuard posted on GitHub, so it is updated in place: check runs, the PR comment, issues (kind + key per repo). */
export const githubObjects = sqliteTable(
  "github_objects",
  {
    repo: text("repo").notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    number: text("number").notNull(),
    state: text("state").notNull(),
    bodyHash: text("body_hash"),
    data: json<Record<string, unknown>>("data").notNull(),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.repo, t.kind, t.key] })],
);
