/** Password hashing with scrypt (node:crypto): a per-user salt, parameters encoded in the hash. */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * scrypt cost: N=2^15, r=8, p=1 — 32 MiB and ~0.1–0.5 s per hash. Below OWASP's N=2^17 on purpose, so a burst of
 * sign-ins cannot take a small appliance's memory; hashes carry their parameters, so the cost can rise later.
 */
export const DEFAULT_COST = { N: 32768, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

const derive = (password: string, salt: Buffer, cost: { N: number; r: number; p: number }) =>
  new Promise<Buffer>((resolve, reject) => {
    const options: ScryptOptions = { ...cost, maxmem: 128 * cost.N * cost.r * 2 };
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });

/** Hashes a password: `scrypt$N=…,r=…,p=…$<salt>$<key>` (base64url). */
export async function hashPassword(
  password: string,
  cost: { N: number; r: number; p: number } = DEFAULT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `scrypt$N=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Parses an encoded hash, or undefined when it is not one this module wrote. */
function parse(encoded: string) {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
  if (!m) return undefined;
  const cost = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.N > 1 << 20 || cost.r > 32 || cost.p > 16) return undefined;
  return { cost, salt: Buffer.from(m[4], "base64url"), key: Buffer.from(m[5], "base64url") };
}

/** Whether the password matches the hash; the keys are compared in constant time. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** A hash of a random password: verifying against it costs the same as a real one (unknown users take as long). */
export const DUMMY_HASH = "scrypt$N=32768,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$bm9wYXNzd29yZG5vcGFzc3dvcmRub3Bhc3N3b3JkMTI";

/** A new random password for people who did not choose one: 24 characters, 144 bits. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 12) return "must be at least 12 characters";
  if (password.length > 1024) return "must be at most 1024 characters";
  return undefined;
}
