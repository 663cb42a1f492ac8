import { describe, expect, it, vi } from "vitest";
import { ago, pct, scoreText, short } from "./format.ts";

describe("format", () => {
  it("says how long ago, or how long until, in plain words", () => {
    vi.useFakeTimers({ now: Date.parse("2026-11-27T12:00:00Z") });
    try {
      expect(ago(null)).toBe("never");
      expect(ago("2026-11-27T11:59:50Z")).toBe("just now");
      expect(ago("2026-11-27T11:50:00Z")).toBe("10 min ago");
      expect(ago("2026-11-27T09:00:00Z")).toBe("3 h ago");
      expect(ago("2026-11-20T12:00:00Z")).toBe("7 d ago");
      expect(ago("2026-06-01T12:00:00Z")).toBe("6 mo ago");
      expect(ago("2026-12-27T12:00:00Z")).toBe("in 30 d");
      expect(ago("2026-11-27T15:00:00Z")).toBe("in 3 h");
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows shares, scores with their interval and short commits", () => {
    expect(pct(0.123)).toBe("12 %");
    expect(pct(0.045)).toBe("4.5 %");
    expect(pct(null)).toBe("–");
    expect(scoreText(0.62, [0.41, 0.8])).toBe("0.62 (0.41–0.80)");
    expect(short("a1b2c3d4e5f6")).toBe("a1b2c3d4");
  });
});
