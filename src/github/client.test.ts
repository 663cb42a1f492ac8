import { describe, expect, it } from "vitest";
import { artifactMatcher } from "./artifacts.ts";
import { rateLimitedUntil } from "./client.ts";

const h = (o: Record<string, string>) => new Headers(o);

describe("GitHub rate limits", () => {
  const now = 1_800_000_000_000;
  it("waits for Retry-After, the primary limit's reset, or a minute on an unnamed secondary limit", () => {
    expect(rateLimitedUntil(429, h({ "retry-after": "30" }), now)).toBe(now + 30_000);
    expect(rateLimitedUntil(403, h({ "retry-after": "5" }), now)).toBe(now + 5_000);
    expect(
      rateLimitedUntil(403, h({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 600) }), now),
    ).toBe(now + 600_000);
    expect(rateLimitedUntil(403, h({}), now, '{"message":"You have exceeded a secondary rate limit"}')).toBe(
      now + 60_000,
    );
    expect(rateLimitedUntil(429, h({}), now)).toBe(now + 60_000);
  });

  it("does not take a plain 403 (no permission) or other statuses for a rate limit", () => {
    expect(
      rateLimitedUntil(
        403,
        h({ "x-ratelimit-remaining": "4999" }),
        now,
        '{"message":"Resource not accessible by integration"}',
      ),
    ).toBeUndefined();
    expect(rateLimitedUntil(500, h({ "retry-after": "3" }), now)).toBeUndefined();
  });
});

describe("artifact name patterns", () => {
  it("matches * and ? case-insensitively, comma-separated", () => {
    const m = artifactMatcher("*test*report*, *junit*,results-?");
    expect(["Test-Reports-linux", "junit-xml", "results-1", "my-test-report"].every(m)).toBe(true);
    expect(["coverage", "results-12", "build.log"].some(m)).toBe(false);
  });
});
