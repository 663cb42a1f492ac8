import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAppAuth, signAppJwt } from "./app-auth.ts";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pkcs1 = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

describe("GitHub App authentication", () => {
  it("signs an RS256 JWT GitHub accepts: iss = app id, iat backdated a minute, exp under ten minutes", () => {
    const now = Date.UTC(2026, 10, 27, 4);
    const jwt = signAppJwt("1143210", pkcs1, now);
    const [h, p, s] = jwt.split(".");
    expect(decode(h)).toEqual({ alg: "RS256", typ: "JWT" });
    const claims = decode(p);
    expect(claims).toEqual({ iss: "1143210", iat: now / 1000 - 60, exp: now / 1000 + 540 });
    expect(verify("sha256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url"))).toBe(true);
  });

  it("caches an installation token until a minute before it expires, and one exchange serves concurrent callers", async () => {
    let now = 1_000_000;
    const exchanged: string[] = [];
    const auth = createAppAuth(
      "7",
      pkcs1,
      async (jwt, id) => {
        exchanged.push(id);
        expect(jwt.split(".")).toHaveLength(3);
        return { token: `tok-${id}-${exchanged.length}`, expiresAt: now + 3_600_000 };
      },
      () => now,
    );
    const [a, b] = await Promise.all([auth.installationToken("42"), auth.installationToken("42")]);
    expect(a).toBe("tok-42-1");
    expect(b).toBe("tok-42-1");
    now += 58 * 60_000;
    expect(await auth.installationToken("42")).toBe("tok-42-1");
    now += 60_000; // within the last minute: renewed
    expect(await auth.installationToken("42")).toBe("tok-42-2");
    expect(await auth.installationToken("43")).toBe("tok-43-3");
    expect(exchanged).toEqual(["42", "42", "43"]);
  });

  it("reuses the App JWT until shortly before it expires", () => {
    let now = 5_000_000;
    const auth = createAppAuth(
      "7",
      pkcs1,
      async () => ({ token: "", expiresAt: 0 }),
      () => now,
    );
    const first = auth.appJwt();
    now += 60_000;
    expect(auth.appJwt()).toBe(first);
    now += 8 * 60_000;
    expect(auth.appJwt()).not.toBe(first);
  });
});
