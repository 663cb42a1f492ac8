import type { Context, MiddlewareHandler } from "hono";
import { hashToken, sameHash, scopeOf } from "../../auth/tokens.ts";
import { AppError } from "../../lib/errors.ts";
import type { Principal, Project } from "../../model/project.ts";
import type { TokenStore } from "../../store/tokens.ts";
import type { HttpEnv } from "../env.ts";

const unauthorized = (message: string) =>
  new AppError(401, "unauthorized", message, { "WWW-Authenticate": 'Bearer realm="flakeguard"' });

/** Verifies `Authorization: Bearer <token>` and sets the principal; 401 when missing or wrong. */
export function requireToken(tokens: TokenStore, clock: () => number): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthorized("missing bearer token (send Authorization: Bearer <token>)");
    const secret = m[1];
    const hash = hashToken(secret);
    const stored = scopeOf(secret) ? await tokens.findTokenByHash(hash) : undefined;
    if (!stored || !sameHash(stored.hash, hash)) throw unauthorized("invalid or revoked token");
    const principal: Principal = stored.scope === "admin"
      ? { kind: "admin", tokenId: stored.id }
      : { kind: "upload", tokenId: stored.id, projectId: stored.projectId! };
    c.set("principal", principal);
    await tokens.touchToken(stored.id, clock());
    await next();
  };
}

/** Throws 403 unless the request carries an admin token. */
export function requireAdmin(c: Context<HttpEnv>): void {
  if (c.get("principal").kind !== "admin") {
    throw new AppError(403, "forbidden", "this operation needs an admin token (fga_…)");
  }
}

/** Throws 403 unless the token is admin or an upload token of this project. */
export function requireProjectAccess(c: Context<HttpEnv>, project: Project): void {
  const p = c.get("principal");
  if (p.kind === "upload" && p.projectId !== project.id) {
    throw new AppError(403, "forbidden", `this token cannot access project '${project.slug}'`);
  }
}
