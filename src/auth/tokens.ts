import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { TokenScope } from "../model/project.ts";

const PREFIX: Record<TokenScope, string> = { admin: "fga_", upload: "fgu_" };

/** A freshly minted token: the secret (shown once) and what is stored. */
export interface MintedToken {
  secret: string;
  hash: string;
  prefix: string;
}

/** Mints a token with 192 random bits and its scope prefix (`fga_` admin, `fgu_` upload). */
export function mintToken(scope: TokenScope): MintedToken {
  const secret = PREFIX[scope] + randomBytes(24).toString("base64url");
  return { secret, hash: hashToken(secret), prefix: secret.slice(0, 8) };
}

/** SHA-256 of a token, hex: the only form a token is stored in. */
export function hashToken(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares two token hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The scope a token's prefix claims, or undefined for a string that is no FlakeGuard token. */
export function scopeOf(secret: string): TokenScope | undefined {
  if (secret.startsWith(PREFIX.admin)) return "admin";
  if (secret.startsWith(PREFIX.upload)) return "upload";
  return undefined;
}
