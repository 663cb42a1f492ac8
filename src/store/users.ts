import { asc, eq } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import type { Role } from "../model/project.ts";
import type { UserRecord } from "../model/user.ts";
import type { Db } from "./backend/db.ts";

/** A stored user with the password hash, for sign-in only. */
export type StoredUser = UserRecord & { passwordHash: string };

/** Users: people who sign in with a name and password. */
export function userStore(db: Db) {
  const t = db.schema.users;
  const publicColumns = {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    lastLoginAt: t.lastLoginAt,
    disabledAt: t.disabledAt,
  };
  return {
    /** Stores a user; undefined when the name is taken. */
    async createUser(
      input: { name: string; role: Role; passwordHash: string },
      now: number,
    ): Promise<UserRecord | undefined> {
      const row = { id: newId(now), ...input, createdAt: now, updatedAt: now, lastLoginAt: null, disabledAt: null };
      const rows = await db.tx((orm) =>
        orm.insert(t).values(row).onConflictDoNothing({ target: t.name }).returning({ id: t.id }),
      );
      if (rows.length === 0) return undefined;
      const { passwordHash: _hash, ...record } = row;
      return record;
    },

    /** A user with the password hash, by name (for sign-in). */
    async findUserForLogin(name: string): Promise<StoredUser | undefined> {
      const rows = await db.orm.select().from(t).where(eq(t.name, name)).limit(1);
      return rows[0] as StoredUser | undefined;
    },

    /** A user by id. */
    async getUser(id: string): Promise<UserRecord | undefined> {
      const rows = await db.orm.select(publicColumns).from(t).where(eq(t.id, id)).limit(1);
      return rows[0] as UserRecord | undefined;
    },

    /** Every user, by name. */
    async listUsers(): Promise<UserRecord[]> {
      return (await db.orm.select(publicColumns).from(t).orderBy(asc(t.name))) as UserRecord[];
    },

    /** Changes a user's role, password hash or disabled state; false when there is no such user. */
    async updateUser(
      id: string,
      change: { role?: Role; passwordHash?: string; disabledAt?: number | null },
      now: number,
    ): Promise<boolean> {
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ ...change, updatedAt: now })
          .where(eq(t.id, id))
          .returning({ id: t.id }),
      );
      return rows.length > 0;
    },

    /** Records a successful sign-in. */
    async recordLogin(id: string, now: number): Promise<void> {
      await db.tx((orm) => orm.update(t).set({ lastLoginAt: now }).where(eq(t.id, id)));
    },

    /** Deletes a user; their sessions go with them (foreign key cascade). False when there was none. */
    async deleteUser(id: string): Promise<boolean> {
      const rows = await db.tx((orm) => orm.delete(t).where(eq(t.id, id)).returning({ id: t.id }));
      return rows.length > 0;
    },
  };
}

/** The users aggregate's functions. */
export type UserStore = ReturnType<typeof userStore>;
