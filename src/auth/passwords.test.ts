import { describe, expect, it } from "vitest";
import { DUMMY_HASH, generatePassword, hashPassword, passwordProblem, verifyPassword } from "./passwords.ts";

const CHEAP = { N: 1024, r: 8, p: 1 };

describe("passwords", () => {
  it("hashes with a per-user salt and its parameters, and verifies only the right password", async () => {
    const a = await hashPassword("correct horse battery", CHEAP);
    const b = await hashPassword("correct horse battery", CHEAP);
    expect(a).toMatch(/^scrypt\$N=1024,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("verifies with the parameters stored in the hash (the default cost can change later)", async () => {
    const stored = await hashPassword("pässwörd-with-umlauts", { N: 2048, r: 4, p: 2 });
    expect(await verifyPassword("pässwörd-with-umlauts", stored)).toBe(true);
    // NFC and NFD spellings of the same text are the same password.
    expect(await verifyPassword("pässwörd-with-umlauts".normalize("NFD"), stored)).toBe(true);
  });

  it("refuses hashes it did not write and absurd costs, without throwing", async () => {
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "$2b$10$abcdefghijklmnopqrstuv")).toBe(false);
    expect(await verifyPassword("x", "scrypt$N=1073741824,r=8,p=1$c2FsdA$a2V5")).toBe(false);
    expect(await verifyPassword("anything at all", DUMMY_HASH)).toBe(false);
  });

  it("generates strong passwords and names weak ones", () => {
    const p = generatePassword();
    expect(p).toHaveLength(24);
    expect(passwordProblem(p)).toBeUndefined();
    expect(passwordProblem("short")).toMatch(/at least 12/);
    expect(passwordProblem("x".repeat(2000))).toMatch(/at most/);
  });
});
