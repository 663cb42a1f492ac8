import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import type { Role } from "../model/project.ts";
import type { SessionRecord } from "../model/user.ts";
import type { Db } from "./backend/db.ts";

/** A session to store: the hash of its secret, never the secret. */
export interface NewSession {
  hash: string;
  userId: string | null;
  tokenId: string | null;
  role: Role;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
}

/** A live session with what the request needs to know about its owner. */
export interface LiveSession extends SessionRecord {
  /** The user's name, or null for a session signed in with a token. */
  userName: string | null;
  /** The user's current role (a role change applies to open sessions at once); the session's role otherwise. */
  effectiveRole: Role;
}

/** Sessions: stored as the hash of the cookie secret; they expire and can be revoked. */
export function sessionStore(db: Db) {
  const t = db.schema.sessions;
  const u = db.schema.users;
  const publicColumns = {
    id: t.id,
    userId: t.userId,
    tokenId: t.tokenId,
    role: t.role,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastSeenAt: t.lastSeenAt,
    revokedAt: t.revokedAt,
    userAgent: t.userAgent,
    ip: t.ip,
  };
  const live = (now: number) => and(isNull(t.revokedAt), gt(t.expiresAt, now));
  return {
    /** Stores a session; returns its record. */
    async createSession(input: NewSession, now: number): Promise<SessionRecord> {
      const row = { id: newId(now), ...input, createdAt: now, lastSeenAt: now, revokedAt: null };
      await db.tx((orm) => orm.insert(t).values(row));
      const { hash: _hash, ...record } = row;
      return record;
    },

    /** The live session with this hash (not revoked, not expired, its user not disabled), if any. */
    async findLiveSession(hash: string, now: number): Promise<LiveSession | undefined> {
      const rows = await db.orm
        .select({ ...publicColumns, userName: u.name, userRole: u.role, disabledAt: u.disabledAt })
        .from(t)
        .leftJoin(u, eq(u.id, t.userId))
        .where(and(eq(t.hash, hash), live(now)))
        .limit(1);
      const row = rows[0];
      if (!row || row.disabledAt !== null) return undefined;
      const { userName, userRole, disabledAt: _d, ...session } = row;
      return { ...(session as SessionRecord), userName, effectiveRole: (userRole ?? session.role) as Role };
    },

    /** Records a use and slides the expiry, at most once a minute per session so verification stays a read. */
    async touchSession(id: string, expiresAt: number, now: number): Promise<void> {
      await db.tx((orm) =>
        orm
          .update(t)
          .set({ lastSeenAt: now, expiresAt })
          .where(and(eq(t.id, id), lt(t.lastSeenAt, now - 60_000))),
      );
    },

    /** Live sessions, newest first: everyone's, or one user's (userId), or one token's (tokenId). */
    async listSessions(now: number, owner?: { userId: string } | { tokenId: string }): Promise<SessionRecord[]> {
      const who =
        owner === undefined ? undefined : "userId" in owner ? eq(t.userId, owner.userId) : eq(t.tokenId, owner.tokenId);
      return (await db.orm
        .select(publicColumns)
        .from(t)
        .where(and(live(now), who))
        .orderBy(desc(t.createdAt))
        .limit(1000)) as SessionRecord[];
    },

    /** A session by id (live or not). */
    async getSession(id: string): Promise<SessionRecord | undefined> {
      const rows = await db.orm.select(publicColumns).from(t).where(eq(t.id, id)).limit(1);
      return rows[0] as SessionRecord | undefined;
    },

    /** Revokes one session; false when there was no such live session. */
    async revokeSession(id: string, now: number): Promise<boolean> {
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ revokedAt: now })
          .where(and(eq(t.id, id), isNull(t.revokedAt)))
          .returning({ id: t.id }),
      );
      return rows.length > 0;
    },

    /** Revokes every live session of a user or of a token; returns how many. */
    async revokeSessionsOf(owner: { userId: string } | { tokenId: string }, now: number): Promise<number> {
      const who = "userId" in owner ? eq(t.userId, owner.userId) : eq(t.tokenId, owner.tokenId);
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ revokedAt: now })
          .where(and(who, isNull(t.revokedAt)))
          .returning({ id: t.id }),
      );
      return rows.length;
    },

    /** Deletes sessions that ended (expired or revoked) before `before`; returns how many. */
    async deleteEndedSessions(before: number): Promise<number> {
      const rows = await db.tx((orm) =>
        orm
          .delete(t)
          .where(or(lt(t.expiresAt, before), lt(t.revokedAt, before)))
          .returning({ id: t.id }),
      );
      return rows.length;
    },
  };
}

/** The sessions aggregate's functions. */
export type SessionStore = ReturnType<typeof sessionStore>;
