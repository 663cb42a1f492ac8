/** GitHub webhook signatures: X-Hub-Signature-256 is `sha256=` + HMAC-SHA256 of the raw body with the webhook secret. */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The header value GitHub sends for `body` signed with `secret`. */
export function signBody(secret: string, body: Uint8Array | string): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

/** True when `header` is the signature of `body`; compared in constant time, any malformed header is false. */
export function verifySignature(secret: string, body: Uint8Array, header: string | undefined | null): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header.trim())) return false;
  const expected = Buffer.from(signBody(secret, body).slice(7), "hex");
  const given = Buffer.from(header.trim().slice(7), "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
