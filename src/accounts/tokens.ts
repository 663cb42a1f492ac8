import { hashToken, mintToken } from "../auth/tokens.ts";
import { ConfigError } from "../lib/errors.ts";
import type { TokenRecord, TokenScope } from "../model/project.ts";
import type { EventStore } from "../store/events.ts";
import type { SessionStore } from "../store/sessions.ts";
import type { TokenStore } from "../store/tokens.ts";

/** A token just created: its record and the secret, which is shown this once and never stored. */
export interface IssuedToken {
  record: TokenRecord;
  secret: string;
}

/** Creates a token (admin, or upload for one project) and records who made it. */
export async function issueToken(
  deps: { tokens: TokenStore; events: EventStore },
  input: { scope: TokenScope; projectId: string | null; name: string; actor: string },
  now: number,
): Promise<IssuedToken> {
  const minted = mintToken(input.scope);
  const record = await deps.tokens.createToken(
    { scope: input.scope, projectId: input.projectId, name: input.name, prefix: minted.prefix, hash: minted.hash },
    now,
  );
  await deps.events.recordEvent(
    {
      projectId: input.projectId,
      kind: "token.created",
      actor: input.actor,
      data: { tokenId: record.id, scope: input.scope, name: input.name },
    },
    now,
  );
  return { record, secret: minted.secret };
}

/**
 * Makes sure an admin token exists at start: the configured one (stored as its hash), or, on the
 * first start with none, a new one whose secret the caller prints once.
 */
export async function ensureAdminToken(
  deps: { tokens: TokenStore; events: EventStore },
  configured: string | undefined,
  now: number,
): Promise<{ generated?: string }> {
  if (configured) {
    const hash = hashToken(configured);
    if (!(await deps.tokens.findTokenByHash(hash))) {
      if (await deps.tokens.wasRevoked(hash)) {
        throw new ConfigError("FLAKEGUARD_ADMIN_TOKEN: this token was revoked (Settings → Tokens); set a new one");
      }
      try {
        await deps.tokens.createToken(
          { scope: "admin", projectId: null, name: "FLAKEGUARD_ADMIN_TOKEN", prefix: configured.slice(0, 8), hash },
          now,
        );
      } catch (e) {
        // Replicas starting together on one database: another one stored the same token first.
        if (!(await deps.tokens.findTokenByHash(hash))) throw e;
      }
    }
    return {};
  }
  if (await deps.tokens.hasAdminToken()) return {};
  const issued = await issueToken(deps, { scope: "admin", projectId: null, name: "first start", actor: "system" }, now);
  return { generated: issued.secret };
}

/** Revokes a token and every session signed in with it; false when there was no such live token. */
export async function revokeToken(
  deps: { tokens: TokenStore; events: EventStore; sessions: SessionStore },
  id: string,
  actor: string,
  now: number,
): Promise<boolean> {
  const token = await deps.tokens.getToken(id);
  if (!token || !(await deps.tokens.revokeToken(id, now))) return false;
  await deps.sessions.revokeSessionsOf({ tokenId: id }, now);
  await deps.events.recordEvent(
    {
      projectId: token.projectId,
      kind: "token.revoked",
      actor,
      data: { tokenId: id, scope: token.scope, name: token.name },
    },
    now,
  );
  return true;
}
