import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { deleteCookie, setCookie } from "hono/cookie";
import { signIn } from "../accounts/sessions.ts";
import { SESSION_COOKIE, csrfToken } from "../auth/sessions.ts";
import { notFound } from "../lib/errors.ts";
import type { Principal } from "../model/project.ts";
import type { SessionRecord } from "../model/user.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { clientIp } from "./middleware/auth.ts";
import { overHttps } from "./middleware/security-headers.ts";
import { ErrorSchema, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const SessionAnswer = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), role: z.enum(["admin", "member", "viewer", "upload"]) }),
    csrfToken: z.string().nullable().openapi({
      description:
        "Send as X-CSRF-Token on POST/PUT/PATCH/DELETE with the cookie; null for bearer tokens, which need none",
    }),
  })
  .openapi("Session");
const SignIn = z
  .union([
    z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1024) }).strict(),
    z.object({ token: z.string().min(1).max(200) }).strict(),
  ])
  .openapi("SignIn");
const throttled = {
  429: {
    description: "Too many sign-in attempts; see Retry-After",
    content: { "application/json": { schema: ErrorSchema } },
  },
} as const;
const noContent = { 204: { description: "Done" } } as const;

/** Who the principal is, as GET /session shows it. */
function whoAmI(p: Principal, name: string | undefined) {
  if (p.kind === "session") return { id: p.userId ?? `token:${p.tokenId}`, name: p.name, role: p.role };
  return { id: `token:${p.tokenId}`, name: name ?? "token", role: p.role };
}

/** POST /api/v1/session */
export const signInRoute = createRoute({
  method: "post",
  path: "/api/v1/session",
  tags: ["session"],
  summary:
    "Sign in with a name and password, or an admin token; sets the fg_session cookie (HttpOnly, SameSite=Lax, Secure over https)",
  request: { body: { required: true, content: { "application/json": { schema: SignIn } } } },
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: SessionAnswer } } },
    ...badRequestResponse,
    401: authErrors[401],
    ...throttled,
  },
});

/** Handler: sign in (throttled per name and address), set the cookie, answer the CSRF token. */
export const signInHandler =
  (d: HttpDeps): RouteHandler<typeof signInRoute, HttpEnv> =>
  async (c) => {
    const now = d.clock();
    const origin = { ip: clientIp(c, d.config.trustProxy), userAgent: c.req.header("user-agent") ?? null };
    const done = await signIn(
      { store: d.store, limiter: d.shared.limiter, config: d.config },
      c.req.valid("json"),
      origin,
      now,
    );
    setCookie(c, SESSION_COOKIE, done.secret, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure: overHttps(c),
      maxAge: Math.floor(d.config.sessionMaxAgeMs / 1000),
    });
    c.header("Cache-Control", "no-store");
    return c.json({ user: done.user, csrfToken: csrfToken(done.secret) }, 200);
  };

/** GET /api/v1/session */
export const getSessionRoute = createRoute({
  method: "get",
  path: "/api/v1/session",
  tags: ["session"],
  security: [{ bearer: [] }],
  summary: "Who is signed in, with a fresh CSRF token; 401 when not signed in, expired or revoked",
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: SessionAnswer } } },
    ...authErrors,
  },
});

/** Handler: the signed-in principal and a fresh CSRF token. */
export const getSessionHandler =
  (d: HttpDeps): RouteHandler<typeof getSessionRoute, HttpEnv> =>
  async (c) => {
    const p = c.get("principal");
    const secret = c.get("sessionSecret");
    const tokenName = p.kind === "session" ? undefined : (await d.store.tokens.getToken(p.tokenId))?.name;
    c.header("Cache-Control", "no-store");
    return c.json(
      { user: whoAmI(p, tokenName), csrfToken: p.kind === "session" && secret ? csrfToken(secret) : null },
      200,
    );
  };

/** DELETE /api/v1/session */
export const signOutRoute = createRoute({
  method: "delete",
  path: "/api/v1/session",
  tags: ["session"],
  security: [{ bearer: [] }],
  summary: "Sign out: the session is revoked and the cookie cleared (a bearer token is left alone)",
  responses: { ...noContent, ...authErrors },
});

/** Handler: revoke this session and clear the cookie. */
export const signOutHandler =
  (d: HttpDeps): RouteHandler<typeof signOutRoute, HttpEnv> =>
  async (c) => {
    const p = c.get("principal");
    if (p.kind === "session") {
      await d.store.sessions.revokeSession(p.sessionId, d.clock());
      deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Lax", secure: overHttps(c) });
    }
    return c.body(null, 204);
  };

const SessionItem = z
  .object({
    id: z.string(),
    userId: z.string().nullable(),
    user: z.string().nullable(),
    tokenId: z.string().nullable(),
    role: z.string(),
    createdAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi("SessionInfo");

/** GET /api/v1/sessions */
export const listSessionsRoute = createRoute({
  method: "get",
  path: "/api/v1/sessions",
  tags: ["session"],
  security: [{ bearer: [] }],
  summary: "Open sessions: an admin sees everyone's, others their own",
  responses: {
    200: {
      description: "Sessions, newest first",
      content: { "application/json": { schema: z.object({ sessions: z.array(SessionItem) }) } },
    },
    ...authErrors,
  },
});

/** Handler: list open sessions. */
export const listSessionsHandler =
  (d: HttpDeps): RouteHandler<typeof listSessionsRoute, HttpEnv> =>
  async (c) => {
    const p = c.get("principal");
    const now = d.clock();
    const own =
      p.role === "admin"
        ? undefined
        : p.kind === "session" && p.userId
          ? { userId: p.userId }
          : { tokenId: p.tokenId ?? "" };
    const [sessions, users] = await Promise.all([d.store.sessions.listSessions(now, own), d.store.users.listUsers()]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const current = p.kind === "session" ? p.sessionId : undefined;
    const item = (s: SessionRecord) => ({
      id: s.id,
      userId: s.userId,
      user: s.userId ? (names.get(s.userId) ?? null) : null,
      tokenId: s.tokenId,
      role: s.role,
      createdAt: iso(s.createdAt),
      lastSeenAt: iso(s.lastSeenAt),
      expiresAt: iso(s.expiresAt),
      userAgent: s.userAgent,
      ip: s.ip,
      current: s.id === current,
    });
    return c.json({ sessions: sessions.map(item) }, 200);
  };

/** DELETE /api/v1/sessions/:id */
export const revokeSessionRoute = createRoute({
  method: "delete",
  path: "/api/v1/sessions/{id}",
  tags: ["session"],
  security: [{ bearer: [] }],
  summary: "Revoke a session (an admin any, others their own)",
  request: { params: z.object({ id: z.string().max(100) }) },
  responses: { ...noContent, ...authErrors, ...notFoundResponse },
});

/** Handler: revoke one session. */
export const revokeSessionHandler =
  (d: HttpDeps): RouteHandler<typeof revokeSessionRoute, HttpEnv> =>
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const s = await d.store.sessions.getSession(id);
    const mine =
      s !== undefined && p.kind === "session" && ((p.userId !== null && s.userId === p.userId) || s.id === p.sessionId);
    if (!s || s.revokedAt !== null || (p.role !== "admin" && !mine)) throw notFound(`session '${id}'`);
    await d.store.sessions.revokeSession(id, d.clock());
    await d.store.events.recordEvent(
      { projectId: null, kind: "session.revoked", actor: p.actor, data: { sessionId: id } },
      d.clock(),
    );
    return c.body(null, 204);
  };
