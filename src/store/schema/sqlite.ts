/** SQLite schema. Keep table and column names identical to ./pg.ts — a test checks. */
import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Epoch milliseconds. */
const millis = (name: string) => integer(name);
/** JSON stored as text. */
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const projects = sqliteTable(
  "projects",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    defaultBranch: text("default_branch").notNull(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [uniqueIndex("projects_slug_idx").on(t.slug)],
);

export const tokens = sqliteTable(
  "tokens",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").references(() => projects.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    createdAt: millis("created_at").notNull(),
    lastUsedAt: millis("last_used_at"),
    revokedAt: millis("revoked_at"),
  },
  (t) => [uniqueIndex("tokens_hash_idx").on(t.hash)],
);

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
  (t) => [index("tests_project_idx").on(t.projectId)],
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

export const verdicts = sqliteTable(
  "verdicts",
  {
    testId: text("test_id")
      .notNull()
      .references(() => tests.id, { onDelete: "cascade" }),
    variant: text("variant").notNull(),
    projectId: text("project_id").notNull(),
    status: text("status").notNull(),
    score: real("score").notNull(),
    low: real("low").notNull(),
    high: real("high").notNull(),
    failureRate: real("failure_rate").notNull(),
    runs: integer("runs").notNull(),
    failures: integer("failures").notNull(),
    lastFailureAt: millis("last_failure_at"),
    evidence: json<unknown[]>("evidence").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.testId, t.variant] }),
    // The leaderboard (a status, best score first) reads this index in order and stops at the page's end.
    index("verdicts_project_status_score_idx").on(t.projectId, t.variant, t.status, sql`score desc`, t.testId),
  ],
);

export const incidents = sqliteTable(
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

export const failureGroups = sqliteTable(
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

export const quarantines = sqliteTable(
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
    // At most one active entry per test, even when two writers decide at once.
    uniqueIndex("quarantines_active_idx")
      .on(t.testId)
      .where(sql`state = 'active'`),
    index("quarantines_project_idx").on(t.projectId, t.state),
    index("quarantines_test_idx").on(t.testId, t.since),
  ],
);

export const policies = sqliteTable("policies", {
  projectId: text("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  policy: json<Record<string, unknown>>("policy").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: millis("updated_at").notNull(),
});

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

/** A project's notification channel (Slack, webhook, …): its settings, secrets included, and its pacing. */
export const integrations = sqliteTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    config: json<Record<string, unknown>>("config").notNull(),
    events: json<string[]>("events").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    /** Nothing is sent before this (1 message/s pacing, or a 429's Retry-After): the channel's own rate limit. */
    nextSendAt: millis("next_send_at"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("integrations_project_idx").on(t.projectId)],
);

/** Notifications to deliver, one per event and integration: the unique key keeps an event from being queued twice. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    integrationId: text("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    eventKey: text("event_key").notNull(),
    eventType: text("event_type").notNull(),
    payload: json<Record<string, unknown>>("payload").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: millis("next_attempt_at").notNull(),
    lockedUntil: millis("locked_until"),
    lastError: text("last_error"),
    lastStatus: integer("last_status"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
    sentAt: millis("sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_event_idx").on(t.integrationId, t.eventKey),
    index("outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("outbox_project_idx").on(t.projectId, t.createdAt),
  ],
);

/** People who sign in with a name and password; an admin creates them. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** scrypt, encoded with its parameters and salt (src/auth/passwords.ts). */
    passwordHash: text("password_hash").notNull(),
    role: text("role").notNull(),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
    lastLoginAt: millis("last_login_at"),
    disabledAt: millis("disabled_at"),
  },
  (t) => [uniqueIndex("users_name_idx").on(t.name)],
);

/** Browser sessions: only the hash of the cookie secret is stored; a user's or an admin token's. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    tokenId: text("token_id").references(() => tokens.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    createdAt: millis("created_at").notNull(),
    expiresAt: millis("expires_at").notNull(),
    lastSeenAt: millis("last_seen_at").notNull(),
    revokedAt: millis("revoked_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [
    uniqueIndex("sessions_hash_idx").on(t.hash),
    index("sessions_user_idx").on(t.userId),
    index("sessions_token_idx").on(t.tokenId),
  ],
);

/** A project's counts at the end of each day (the rescore job writes today's): the overview's 30-day trend. */
export const dailyCounts = sqliteTable(
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
