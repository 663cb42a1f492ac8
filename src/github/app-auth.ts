/** GitHub App authentication: an RS256 JWT signed with the App's private key, exchanged for installation tokens cached until expiry. */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";

/** Fetches one installation access token (the client's POST /app/installations/{id}/access_tokens). */
export type TokenExchange = (jwt: string, installationId: string) => Promise<{ token: string; expiresAt: number }>;

/** Signs App JWTs and hands out installation tokens, each reused until a minute before it expires. */
export interface AppAuth {
  /** A JWT for the App itself (valid 10 minutes; GitHub allows at most 10). */
  appJwt(): string;
  /** An installation token, fetched when there is none or it is about to expire. */
  installationToken(installationId: string): Promise<string>;
}

const base64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");
/** GitHub rejects an `iat` in its future: backdate it against clock drift. */
const DRIFT_S = 60;
const JWT_LIFETIME_S = 9 * 60;
/** A cached token is renewed this long before it expires, so a request never carries a dying token. */
const RENEW_BEFORE_MS = 60_000;

/** An RS256 JWT `{iat, exp, iss}` signed with `key`. */
export function signAppJwt(appId: string, key: KeyObject | string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ iat: now - DRIFT_S, exp: now + JWT_LIFETIME_S, iss: appId }));
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}

/** The App's authentication from its id and PEM private key (PKCS#1 as GitHub issues it, or PKCS#8). */
export function createAppAuth(
  appId: string,
  privateKeyPem: string,
  exchange: TokenExchange,
  clock: () => number,
): AppAuth {
  const key = createPrivateKey(privateKeyPem.replace(/\\n/g, "\n"));
  let jwt: { value: string; until: number } | undefined;
  const tokens = new Map<string, { token: string; expiresAt: number }>();
  const pending = new Map<string, Promise<string>>();
  const appJwt = () => {
    const now = clock();
    if (!jwt || jwt.until <= now)
      jwt = { value: signAppJwt(appId, key, now), until: now + JWT_LIFETIME_S * 1000 - RENEW_BEFORE_MS };
    return jwt.value;
  };
  return {
    appJwt,
    async installationToken(installationId) {
      const cached = tokens.get(installationId);
      if (cached && cached.expiresAt - RENEW_BEFORE_MS > clock()) return cached.token;
      // One exchange per installation at a time: concurrent jobs share it.
      let inFlight = pending.get(installationId);
      if (!inFlight) {
        inFlight = exchange(appJwt(), installationId)
          .then((t) => {
            tokens.set(installationId, t);
            return t.token;
          })
          .finally(() => pending.delete(installationId));
        pending.set(installationId, inFlight);
      }
      return inFlight;
    },
  };
}
