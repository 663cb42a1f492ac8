import { types } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { byteaHex } from "./pglite-serializers.ts";

describe("byteaHex", () => {
  const pgliteOwn = types.serializers[types.BYTEA];

  it("writes exactly what PGlite's own bytea serializer writes", () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256;
    for (const sample of [new Uint8Array(0), new Uint8Array([0, 15, 16, 255]), bytes])
      expect(byteaHex(sample)).toBe(pgliteOwn(sample));
  });

  it("reads only the view's bytes, not the whole buffer behind it", () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    expect(byteaHex(whole.subarray(1, 3))).toBe("\\x0203");
  });

  it("refuses what is not bytes, as PGlite does", () => {
    expect(() => byteaHex("0102")).toThrow(/Invalid input for bytea/);
  });
});
