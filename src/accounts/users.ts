/** Users: created, changed and deleted by an admin; every change is in the audit log. */
import { hashPassword, passwordProblem } from "../auth/passwords.ts";
import { AppError, notFound } from "../lib/errors.ts";
import type { Role } from "../model/project.ts";
import type { UserRecord } from "../model/user.ts";
import type { Store } from "../store/index.ts";

const badPassword = (problem: string) => new AppError(400, "invalid_request", `body.password: ${problem}`);

/** Creates a user; 400 for a weak password, 409 when the name is taken. */
export async function createUser(
  store: Store,
  input: { name: string; password: string; role: Role },
  actor: string,
  now: number,
): Promise<UserRecord> {
  const problem = passwordProblem(input.password);
  if (problem) throw badPassword(problem);
  const user = await store.users.createUser(
    { name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
    now,
  );
  if (!user) throw new AppError(409, "conflict", `a user named '${input.name}' exists`);
  await store.events.recordEvent(
    { projectId: null, kind: "user.created", actor, data: { userId: user.id, name: user.name, role: user.role } },
    now,
  );
  return user;
}

/**
 * Changes a user's role, password or disabled state. A new password or disabling signs the user out
 * everywhere; a role change applies to open sessions at once (sessions read the user's role).
 */
export async function updateUser(
  store: Store,
  id: string,
  change: { role?: Role; password?: string; disabled?: boolean },
  actor: string,
  now: number,
): Promise<UserRecord> {
  const before = await store.users.getUser(id);
  if (!before) throw notFound(`user '${id}'`);
  if (change.password !== undefined) {
    const problem = passwordProblem(change.password);
    if (problem) throw badPassword(problem);
  }
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
  const disabledAt = change.disabled === undefined ? undefined : change.disabled ? (before.disabledAt ?? now) : null;
  await store.users.updateUser(id, { role: change.role, passwordHash, disabledAt }, now);
  if (passwordHash !== undefined || change.disabled === true)
    await store.sessions.revokeSessionsOf({ userId: id }, now);
  await store.events.recordEvent(
    {
      projectId: null,
      kind: "user.updated",
      actor,
      data: {
        userId: id,
        name: before.name,
        role: change.role,
        passwordChanged: passwordHash !== undefined,
        disabled: change.disabled,
      },
    },
    now,
  );
  return (await store.users.getUser(id))!;
}

/** Deletes a user; their sessions end with them. 404 when there is none. */
export async function deleteUser(store: Store, id: string, actor: string, now: number): Promise<void> {
  const user = await store.users.getUser(id);
  if (!user) throw notFound(`user '${id}'`);
  await store.sessions.revokeSessionsOf({ userId: id }, now);
  await store.users.deleteUser(id);
  await store.events.recordEvent(
    { projectId: null, kind: "user.deleted", actor, data: { userId: id, name: user.name } },
    now,
  );
}
