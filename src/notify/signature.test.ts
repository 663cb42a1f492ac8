import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backoffMs, afterFailure } from "./backoff.ts";
import { retryAfterMs } from "./http.ts";
import { signPayload, verifySignature } from "./signature.ts";

describe("webhook signature", () => {
  const body = '{"type":"test.flaky"}';
  const now = Date.UTC(2026, 0, 1, 12);

  it("is t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>, checkable with any HMAC library", () => {
    const header = signPayload("s3cret-s3cret-s3cret", body, now);
    const t = now / 1000;
    expect(header).toBe(
      `t=${t},v1=${createHmac("sha256", "s3cret-s3cret-s3cret").update(`${t}.${body}`).digest("hex")}`,
    );
    expect(verifySignature("s3cret-s3cret-s3cret", body, header, now + 60_000)).toBe(true);
  });

  it("refuses another secret, another body, and an old timestamp (replay)", () => {
    const header = signPayload("s3cret-s3cret-s3cret", body, now);
    expect(verifySignature("other-secret-other", body, header, now)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", body + " ", header, now)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", body, header, now + 301_000)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", body, "t=1,v1=zz", now)).toBe(false);
  });
});

describe("retries", () => {
  it("reads Retry-After in seconds or as an HTTP date", () => {
    expect(retryAfterMs("2", 0)).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
    expect(retryAfterMs("soon", 0)).toBeUndefined();
  });

  it("backs off exponentially with jitter, capped at 10 minutes", () => {
    expect(backoffMs(1, () => 0.5)).toBe(15_000);
    expect(backoffMs(3, () => 0.5)).toBe(60_000);
    expect(backoffMs(30, () => 0.5)).toBe(600_000);
    expect(backoffMs(1, () => 0)).toBe(12_000);
    expect(backoffMs(1, () => 1)).toBe(18_000);
  });

  it("follows Retry-After, and gives up on a 4xx or after the give-up time", () => {
    expect(afterFailure({ retry: true, retryAfterMs: 2000 }, { attempts: 1, createdAt: 0 }, 100, 3_600_000)).toEqual({
      retry: true,
      at: 2100,
    });
    expect(afterFailure({ retry: false }, { attempts: 1, createdAt: 0 }, 100, 3_600_000)).toEqual({ retry: false });
    expect(afterFailure({ retry: true }, { attempts: 9, createdAt: 0 }, 3_600_000, 3_600_000)).toEqual({
      retry: false,
    });
  });
});
