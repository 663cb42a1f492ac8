/** Session secrets and CSRF tokens: pure crypto, no storage. */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { hashToken } from "./tokens.ts";

/** The cookie that carries the session secret. */
export const SESSION_COOKIE = "fg_session";

/** A new session: the cookie secret (sent once, to the browser) and its hash (stored). */
export function mintSession(): { secret: string; hash: string } {
  const secret = "fgs_" + randomBytes(32).toString("base64url");
  return { secret, hash: hashSessionSecret(secret) };
}

/** SHA-256 of a session secret, hex: the only form it is stored in. */
export const hashSessionSecret = (secret: string): string => hashToken(secret);

const mac = (secret: string, nonce: string) => createHmac("sha256", secret).update(`csrf:${nonce}`).digest("base64url");

/**
 * A CSRF token for the session: a fresh nonce and its HMAC keyed by the session secret. Any number may be
 * valid at once (each GET /session gives a new one); nothing is stored, and the token is useless without
 * the cookie.
 */
export function csrfToken(sessionSecret: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${mac(sessionSecret, nonce)}`;
}

/** Whether a CSRF token was made for this session; compared in constant time. */
export function verifyCsrfToken(sessionSecret: string, token: string | undefined): boolean {
  if (!token) return false;
  const dot = token.indexOf(".");
  if (dot <= 0 || token.length > 200) return false;
  const expected = Buffer.from(mac(sessionSecret, token.slice(0, dot)));
  const given = Buffer.from(token.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given);
}
