import { describe, expect, it } from "vitest";
import { failureFingerprint, normalizeFailure } from "./fingerprint.ts";

const stackAt = (line: number, tmp: string): string => `Error: boom
    at Object.<anonymous> (/home/runner/work/app/src/foo.test.ts:${line}:17)
    at run (${tmp}/runner.js:99:1)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)`;

describe("normalizeFailure", () => {
  it.each([
    ["timestamps", "failed at 2024-01-02T03:04:05.123Z", "failed at <time>"],
    ["clock times", "at 13:45:07.5 it broke", "at <time> it broke"],
    ["durations", "Timeout of 2000ms exceeded after 1.5 s", "Timeout of <duration> exceeded after <duration>"],
    ["uuids", "run 550e8400-e29b-41d4-a716-446655440000 failed", "run <uuid> failed"],
    ["hex addresses", "object at 0x7f3a2b1c", "object at <hex>"],
    ["hex ids", "commit deadbeef1234 missing", "commit <id> missing"],
    ["ports", "connect ECONNREFUSED 127.0.0.1:54321", "connect ECONNREFUSED 127.0.0.1:<port>"],
    ["localhost ports", "GET http://localhost:3000/x", "GET http://localhost:<port>/x"],
    ["temp paths", "cannot open /tmp/pytest-of-ci/pytest-7/data.txt", "cannot open <tmp>"],
    ["windows temp paths", "cannot open C:\\Users\\ci\\AppData\\Local\\Temp\\x1.tmp", "cannot open <tmp>"],
    ["line numbers", "see foo.py:42 and line 7", "see foo.py:<line> and line <line>"],
    ["quoted numbers", `expected "42" got '43'`, `expected "<n>" got '<n>'`],
    ["long numbers (ids, pids)", "pid 123456 exited", "pid <n> exited"],
  ])("masks %s", (_what, message, expected) => {
    expect(normalizeFailure(message, "")).toBe(expected);
  });

  it("keeps small numbers that carry meaning", () => {
    expect(normalizeFailure("expected 3 but was 4", "")).toBe("expected 3 but was 4");
  });

  it("keeps only the top five frames of a stack", () => {
    const stack = Array.from({ length: 9 }, (_, i) => `    at f${i} (a.js:${i + 1}:1)`).join("\n");
    const lines = normalizeFailure("m", stack).split("\n");
    expect(lines).toEqual([
      "m",
      "at f0 (a.js:<line>)",
      "at f1 (a.js:<line>)",
      "at f2 (a.js:<line>)",
      "at f3 (a.js:<line>)",
      "at f4 (a.js:<line>)",
    ]);
  });

  it("keeps the innermost Python frames, which come last", () => {
    const stack = [
      "Traceback (most recent call last):",
      ...Array.from({ length: 8 }, (_, i) => `  File "t.py", line ${i}, in f${i}`),
    ].join("\n");
    expect(normalizeFailure("m", stack)).toContain("in f7");
    expect(normalizeFailure("m", stack)).not.toContain("in f2");
  });
});

describe("failureFingerprint", () => {
  it("is equal for the same failure across runs (other line, temp dir, duration)", () => {
    const first = failureFingerprint("Error", "Timeout of 2001ms at 10:00:01", stackAt(12, "/tmp/run-a1"));
    const second = failureFingerprint("Error", "Timeout of 1999ms at 11:30:59", stackAt(14, "/tmp/run-b2"));
    expect(first).toBe(second);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
  });

  it("differs for a different failure type, message or frame", () => {
    const base = failureFingerprint("Error", "boom", stackAt(1, "/tmp/x"));
    expect(failureFingerprint("TypeError", "boom", stackAt(1, "/tmp/x"))).not.toBe(base);
    expect(failureFingerprint("Error", "bang", stackAt(1, "/tmp/x"))).not.toBe(base);
    expect(failureFingerprint("Error", "boom", stackAt(1, "/tmp/x").replace("Object.<anonymous>", "other"))).not.toBe(
      base,
    );
  });

  it("ignores frames below the top five", () => {
    const top = Array.from({ length: 5 }, (_, i) => `    at f${i} (a.js:1:1)`).join("\n");
    expect(failureFingerprint("E", "m", `${top}\n    at deepA (z.js:1:1)`)).toBe(
      failureFingerprint("E", "m", `${top}\n    at deepB (z.js:1:1)`),
    );
  });
});
