import { and, asc, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import type { TokenRecord, TokenScope } from "../model/project.ts";
import type { Db } from "./backend/db.ts";

/** A token to store: its hash and display prefix, never the secret. */
export interface NewToken {
  scope: TokenScope;
  projectId: string | null;
  name: string;
  prefix: string;
  hash: string;
}

/** A stored token with its hash, for verification. */
export type StoredToken = TokenRecord & { hash: string };

/** Tokens: stored hashed, looked up by hash. */
export function tokenStore(db: Db) {
  const t = db.schema.tokens;
  const publicColumns = {
    id: t.id,
    projectId: t.projectId,
    scope: t.scope,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
  return {
    /** Stores a token; returns its record. */
    async createToken(input: NewToken, now: number): Promise<TokenRecord> {
      const row = { id: newId(now), ...input, createdAt: now, lastUsedAt: null, revokedAt: null };
      await db.tx((orm) => orm.insert(t).values(row));
      const { hash: _hash, ...record } = row;
      return record;
    },

    /** The live (not revoked) token with this hash, if any. */
    async findTokenByHash(hash: string): Promise<StoredToken | undefined> {
      const rows = await db.orm
        .select()
        .from(t)
        .where(and(eq(t.hash, hash), isNull(t.revokedAt)))
        .limit(1);
      return rows[0] as StoredToken | undefined;
    },

    /** Whether a token with this hash existed and was revoked (a revoked secret must not come back). */
    async wasRevoked(hash: string): Promise<boolean> {
      const rows = await db.orm
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.hash, hash), isNotNull(t.revokedAt)))
        .limit(1);
      return rows.length > 0;
    },

    /** Whether any live admin token exists (first start creates one when not). */
    async hasAdminToken(): Promise<boolean> {
      const rows = await db.orm
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.scope, "admin"), isNull(t.revokedAt)))
        .limit(1);
      return rows.length > 0;
    },

    /** Records a use, at most once a minute per token so verification stays a read. */
    async touchToken(id: string, now: number): Promise<void> {
      // Read first: a write waits for the writer lock, which on SQLite a huge report's transaction holds for
      // seconds, and every API request (a status poll too) waited behind it.
      const [row] = await db.orm.select({ at: t.lastUsedAt }).from(t).where(eq(t.id, id)).limit(1);
      if (!row || (row.at !== null && Number(row.at) >= now - 60_000)) return;
      await db.tx((orm) =>
        orm
          .update(t)
          .set({ lastUsedAt: now })
          .where(and(eq(t.id, id), or(isNull(t.lastUsedAt), lt(t.lastUsedAt, now - 60_000)))),
      );
    },

    /** Tokens of a project (or the admin tokens when projectId is null), oldest first. */
    async listTokens(projectId: string | null): Promise<TokenRecord[]> {
      const where = projectId === null ? isNull(t.projectId) : eq(t.projectId, projectId);
      return (await db.orm.select(publicColumns).from(t).where(where).orderBy(asc(t.createdAt))) as TokenRecord[];
    },

    /** Every live token (admin and upload), oldest first: what Settings → Tokens lists. */
    async listLiveTokens(): Promise<TokenRecord[]> {
      return (await db.orm
        .select(publicColumns)
        .from(t)
        .where(isNull(t.revokedAt))
        .orderBy(asc(t.createdAt))) as TokenRecord[];
    },

    /** A token by id (live or not), without its hash. */
    async getToken(id: string): Promise<TokenRecord | undefined> {
      const rows = await db.orm.select(publicColumns).from(t).where(eq(t.id, id)).limit(1);
      return rows[0] as TokenRecord | undefined;
    },

    /** Revokes a token; false when there was no such live token. */
    async revokeToken(id: string, now: number): Promise<boolean> {
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ revokedAt: now })
          .where(and(eq(t.id, id), isNull(t.revokedAt)))
          .returning({ id: t.id }),
      );
      return rows.length > 0;
    },
  };
}

/** The tokens aggregate's functions. */
export type TokenStore = ReturnType<typeof tokenStore>;
