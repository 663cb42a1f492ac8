/** Projects, their tokens, and the people and sessions that sign in. */
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { millis } from "./columns.ts";

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
