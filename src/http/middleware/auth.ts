import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { resolveSession } from "../../accounts/sessions.ts";
import { allows, refusalMessage, type Access } from "../../auth/access.ts";
import { SESSION_COOKIE, verifyCsrfToken } from "../../auth/sessions.ts";
import { hashToken, sameHash, scopeOf } from "../../auth/tokens.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import type { Principal, Project } from "../../model/project.ts";
import type { HttpDeps } from "../deps.ts";
import type { HttpEnv } from "../env.ts";

const unauthorized = (message: string, clearCookie = false) =>
  new AppError(401, "unauthorized", message, {
    "WWW-Authenticate": 'Bearer realm="flakeguard"',
    ...(clearCookie ? { "Set-Cookie": `${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax` } : {}),
  });
const forbidden = (message: string) => new AppError(403, "forbidden", message);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The principal of a bearer token, or a 401. */
async function fromToken(d: HttpDeps, secret: string): Promise<Principal> {
  const hash = hashToken(secret);
  const stored = scopeOf(secret) ? await d.store.tokens.findTokenByHash(hash) : undefined;
  if (!stored || !sameHash(stored.hash, hash)) throw unauthorized("invalid or revoked token");
  await d.store.tokens.touchToken(stored.id, d.clock());
  const actor = `token:${stored.id}`;
  return stored.scope === "admin"
    ? { kind: "admin", role: "admin", tokenId: stored.id, actor }
    : { kind: "upload", role: "upload", tokenId: stored.id, projectId: stored.projectId!, actor };
}

/** The principal of a session cookie, or a 401 that also clears the cookie. */
async function fromSession(d: HttpDeps, secret: string): Promise<Principal> {
  const s = await resolveSession(d.store, d.config, secret, d.clock());
  if (!s) throw unauthorized("the session has expired or was revoked; sign in again", true);
  const name = s.userName ?? "admin token";
  const actor = s.userId ? `user:${s.userName}` : `token:${s.tokenId}`;
  return { kind: "session", role: s.effectiveRole, sessionId: s.id, userId: s.userId, tokenId: s.tokenId, name, actor };
}

/**
 * Authenticates every /api request except public ones: `Authorization: Bearer <token>` (wins when both
 * are sent) or the `fg_session` cookie. 401 when neither is valid. Which routes are public is told by
 * the route table (`isPublic`).
 */
export function authenticate(
  d: HttpDeps,
  isPublic: (method: string, path: string) => boolean,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw unauthorized("malformed Authorization header (send Authorization: Bearer <token>)");
      c.set("principal", await fromToken(d, m[1]));
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (!cookie)
        throw unauthorized("missing bearer token or session (send Authorization: Bearer <token>, or sign in)");
      c.set("principal", await fromSession(d, cookie));
      c.set("sessionSecret", cookie);
    }
    await next();
  };
}

/**
 * Enforces a route's access rule after authentication: CSRF for cookie sessions on unsafe methods
 * (`X-CSRF-Token`, 403 `csrf_failed`), the role (403), and for upload tokens the project in the path (403).
 */
export function guard(d: HttpDeps, access: Access): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (access === "public") return next();
    const principal = c.get("principal");
    if (!principal) throw unauthorized("missing bearer token or session");
    if (
      principal.kind === "session" &&
      !SAFE_METHODS.has(c.req.method) &&
      !verifyCsrfToken(c.get("sessionSecret") ?? "", c.req.header("x-csrf-token"))
    ) {
      throw new AppError(403, "csrf_failed", "missing or wrong X-CSRF-Token header (take it from GET /api/v1/session)");
    }
    if (!allows(access, principal)) throw forbidden(refusalMessage(access));
    const slug = c.req.param("project");
    if (principal.kind === "upload" && slug !== undefined) {
      const project = await d.store.projects.getProject(slug);
      if (!project) throw notFound(`project '${slug}'`);
      requireProjectAccess(c, project);
    }
    await next();
  };
}

/** Throws 403 unless the principal is an admin (prefer `access: "admin"` in the route table). */
export function requireAdmin(c: Context<HttpEnv>): void {
  if (c.get("principal").role !== "admin") throw forbidden(refusalMessage("admin"));
}

/** Throws 403 unless the principal may see this project (an upload token sees only its own). */
export function requireProjectAccess(c: Context<HttpEnv>, project: Project): void {
  const p = c.get("principal");
  if (p.kind === "upload" && p.projectId !== project.id) {
    throw forbidden(`this token cannot access project '${project.slug}'`);
  }
}

/**
 * The client's address: the socket's peer, or with `trustProxy` the first X-Forwarded-For entry
 * (only a reverse proxy that sets the header may be trusted with it).
 */
export function clientIp(c: Context<HttpEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 100);
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}
