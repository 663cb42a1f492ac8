import { describe, expect, it } from "vitest";
import { keptBytes } from "./kept-bytes.ts";

describe("keptBytes", () => {
  it("gives kept bytes back once, drops the oldest past the limit, and never keeps one larger than it", () => {
    const kept = keptBytes(10);
    kept.keep("a", new Uint8Array(4));
    kept.keep("b", new Uint8Array(4));
    kept.keep("c", new Uint8Array(4)); // 12 > 10: "a" goes
    expect(kept.take("a")).toBeUndefined();
    expect(kept.take("b")?.byteLength).toBe(4);
    expect(kept.take("b")).toBeUndefined();
    kept.keep("d", new Uint8Array(6)); // c 4 + d 6 = 10: both stay
    expect(kept.take("c")?.byteLength).toBe(4);
    expect(kept.take("d")?.byteLength).toBe(6);
    kept.keep("huge", new Uint8Array(11));
    expect(kept.take("huge")).toBeUndefined();
  });
});
