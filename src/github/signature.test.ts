import { describe, expect, it } from "vitest";
import { signBody, verifySignature } from "./signature.ts";

const enc = new TextEncoder();

describe("webhook signature", () => {
  // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
  it("matches GitHub's documented test vector", () => {
    expect(signBody("It's a Secret to Everybody", "Hello, World!")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
    expect(
      verifySignature(
        "It's a Secret to Everybody",
        enc.encode("Hello, World!"),
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      ),
    ).toBe(true);
  });

  it("refuses a missing, malformed, wrong-secret or other-body signature", () => {
    const body = enc.encode('{"action":"completed"}');
    const good = signBody("s3cret", body);
    expect(verifySignature("s3cret", body, good)).toBe(true);
    expect(verifySignature("s3cret", body, good.toUpperCase().replace("SHA256", "sha256"))).toBe(true);
    expect(verifySignature("s3cret", body, undefined)).toBe(false);
    expect(verifySignature("s3cret", body, "")).toBe(false);
    expect(verifySignature("s3cret", body, "sha1=" + good.slice(7, 47))).toBe(false);
    expect(verifySignature("s3cret", body, good.slice(0, -2))).toBe(false);
    expect(verifySignature("other", body, good)).toBe(false);
    expect(verifySignature("s3cret", enc.encode('{"action":"completed" }'), good)).toBe(false);
  });
});
