import { describe, expect, it } from "vitest";
import { csrfToken, hashSessionSecret, mintSession, verifyCsrfToken } from "./sessions.ts";

describe("session secrets and CSRF tokens", () => {
  it("mints a random secret and stores only its hash", () => {
    const a = mintSession();
    const b = mintSession();
    expect(a.secret).toMatch(/^fgs_[\w-]{43}$/);
    expect(a.secret).not.toBe(b.secret);
    expect(a.hash).toBe(hashSessionSecret(a.secret));
    expect(a.hash).not.toContain(a.secret);
  });

  it("accepts every CSRF token made for the session, and none made for another or tampered with", () => {
    const { secret } = mintSession();
    const t1 = csrfToken(secret);
    const t2 = csrfToken(secret);
    expect(t1).not.toBe(t2);
    expect(verifyCsrfToken(secret, t1)).toBe(true);
    expect(verifyCsrfToken(secret, t2)).toBe(true);
    expect(verifyCsrfToken(mintSession().secret, t1)).toBe(false);
    const [nonce, mac] = t1.split(".");
    expect(verifyCsrfToken(secret, `${nonce}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`)).toBe(false);
    expect(verifyCsrfToken(secret, `${nonce}x.${mac}`)).toBe(false);
    expect(verifyCsrfToken(secret, mac)).toBe(false);
    expect(verifyCsrfToken(secret, "")).toBe(false);
    expect(verifyCsrfToken(secret, undefined)).toBe(false);
    expect(verifyCsrfToken(secret, `${nonce}.`)).toBe(false);
  });
});
