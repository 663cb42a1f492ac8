/** Signing in and out: password or admin-token sign-in (throttled), session lookup with sliding expiry, revocation. */
import { DUMMY_HASH, verifyPassword } from "../auth/passwords.ts";
import { hashSessionSecret, mintSession } from "../auth/sessions.ts";
import { hashToken, sameHash, scopeOf } from "../auth/tokens.ts";
import { AppError } from "../lib/errors.ts";
import type { Role } from "../model/project.ts";
import type { SessionRecord } from "../model/user.ts";
import type { RateLimiter } from "../shared-state/rate-limit.ts";
import type { Store } from "../store/index.ts";
import type { LiveSession } from "../store/sessions.ts";

/** How long sessions live: idle expiry (sliding) and an absolute cap from sign-in. */
export interface SessionTimes {
  sessionTtlMs: number;
  sessionMaxAgeMs: number;
}

/** What a sign-in needs besides the store. */
export interface SignInDeps {
  store: Store;
  limiter: RateLimiter;
  config: SessionTimes & { loginAttempts: number };
}

/** Credentials a browser sends. */
export type Credentials = { username: string; password: string } | { token: string };

/** Where a sign-in came from (recorded with the session; the address also keys the throttle). */
export interface Origin {
  ip: string;
  userAgent: string | null;
}

/** A session just created: its record, the cookie secret (sent once), and who it is for. */
export interface SignedIn {
  session: SessionRecord;
  secret: string;
  user: { id: string; name: string; role: Role };
}

/** The throttle window for sign-in attempts. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
const wrongCredentials = () => new AppError(401, "unauthorized", "wrong name or password");

/** Counts one attempt per name+address and per address; 429 with Retry-After past the limits. */
async function throttle(limiter: RateLimiter, attempts: number, who: string, ip: string): Promise<string> {
  const pairKey = `login:${ip}:${who}`;
  const [pair, address] = await Promise.all([
    limiter.hit(pairKey, attempts, LOGIN_WINDOW_MS),
    limiter.hit(`login:${ip}`, attempts * 5, LOGIN_WINDOW_MS),
  ]);
  const refused = [pair, address].filter((d) => !d.allowed);
  if (refused.length > 0) {
    const retry = Math.max(...refused.map((d) => d.retryAfterS));
    throw new AppError(429, "too_many_attempts", `too many sign-in attempts; retry in ${retry} s`, {
      "Retry-After": String(retry),
    });
  }
  return pairKey;
}

/** When a session signed in at `createdAt` expires if used at `now`. */
export const expiryAt = (t: SessionTimes, createdAt: number, now: number) =>
  Math.min(now + t.sessionTtlMs, createdAt + t.sessionMaxAgeMs);

/** Signs in with a name and password or an admin token; 401 on wrong credentials, 429 when throttled. */
export async function signIn(d: SignInDeps, credentials: Credentials, origin: Origin, now: number): Promise<SignedIn> {
  const who = "token" in credentials ? "token" : `user:${credentials.username}`;
  const pairKey = await throttle(d.limiter, d.config.loginAttempts, who, origin.ip);
  let owner: { userId: string | null; tokenId: string | null; user: SignedIn["user"] };
  if ("token" in credentials) {
    const hash = hashToken(credentials.token);
    const stored = scopeOf(credentials.token) === "admin" ? await d.store.tokens.findTokenByHash(hash) : undefined;
    if (!stored || stored.scope !== "admin" || !sameHash(stored.hash, hash)) {
      throw new AppError(401, "unauthorized", "not a valid admin token (upload tokens cannot sign in)");
    }
    owner = { userId: null, tokenId: stored.id, user: { id: `token:${stored.id}`, name: stored.name, role: "admin" } };
    await d.store.tokens.touchToken(stored.id, now);
  } else {
    const user = await d.store.users.findUserForLogin(credentials.username);
    // Unknown names cost one scrypt too, so timing does not tell which names exist.
    const ok = await verifyPassword(credentials.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabledAt !== null) throw wrongCredentials();
    owner = { userId: user.id, tokenId: null, user: { id: user.id, name: user.name, role: user.role } };
    await d.store.users.recordLogin(user.id, now);
  }
  await d.limiter.reset(pairKey);
  const minted = mintSession();
  const session = await d.store.sessions.createSession(
    {
      hash: minted.hash,
      userId: owner.userId,
      tokenId: owner.tokenId,
      role: owner.user.role,
      expiresAt: expiryAt(d.config, now, now),
      userAgent: origin.userAgent?.slice(0, 300) ?? null,
      ip: origin.ip,
    },
    now,
  );
  await d.store.events.recordEvent(
    {
      projectId: null,
      kind: "session.created",
      actor: actorOf(owner.user),
      data: { sessionId: session.id, ip: origin.ip },
    },
    now,
  );
  return { session, secret: minted.secret, user: owner.user };
}

/** The audit actor of a signed-in person: `user:<name>`, or `token:<id>` for a token sign-in. */
export const actorOf = (user: { id: string; name: string }) =>
  user.id.startsWith("token:") ? user.id : `user:${user.name}`;

/** The live session a cookie secret belongs to, its expiry slid forward; undefined when none. */
export async function resolveSession(
  store: Store,
  times: SessionTimes,
  secret: string,
  now: number,
): Promise<LiveSession | undefined> {
  if (!secret.startsWith("fgs_") || secret.length > 100) return undefined;
  const session = await store.sessions.findLiveSession(hashSessionSecret(secret), now);
  if (!session) return undefined;
  await store.sessions.touchSession(session.id, expiryAt(times, session.createdAt, now), now);
  return session;
}
