import { describe, expect, it } from "vitest";
import type { Store } from "../store/index.ts";
import { PROGRESS_EVERY_MS, PROGRESS_EVERY_TESTS, rescoreProgress } from "./progress.ts";

/** A store that records the progress writes, nothing else. */
function recordingStore() {
  const writes: { done: number; at: number; finished: boolean }[] = [];
  const progress = {
    rescoreStarted: async (_p: string, _total: number, at: number) =>
      void writes.push({ done: 0, at, finished: false }),
    rescoreAdvanced: async (_p: string, done: number, at: number, finished = false) =>
      void writes.push({ done, at, finished }),
  };
  return { store: { progress } as unknown as Store, writes };
}

describe("rescoreProgress", () => {
  it("writes a rescore's progress every few thousand tests or every second, never per batch", async () => {
    const { store, writes } = recordingStore();
    let now = 0;
    const p = rescoreProgress(store, "p", () => now);
    await p.start(20_000);
    // 25 tests a batch, 1 ms each: by count, not by time.
    for (let done = 25; done <= 20_000; done += 25) {
      now += 1;
      await p.progress(done);
    }
    await p.finish(20_000);
    const advances = writes.slice(1, -1).map((w) => w.done);
    expect(advances).toEqual([5_000, 10_000, 15_000, 20_000]);
    expect(writes.at(-1)).toEqual({ done: 20_000, at: now, finished: true });
    expect(PROGRESS_EVERY_TESTS).toBe(5_000);
  });

  it("writes at least every second when batches are slow", async () => {
    const { store, writes } = recordingStore();
    let now = 0;
    const p = rescoreProgress(store, "p", () => now);
    await p.start(100);
    for (let done = 25; done <= 100; done += 25) {
      now += PROGRESS_EVERY_MS / 2;
      await p.progress(done);
    }
    expect(writes.slice(1).map((w) => w.done)).toEqual([50, 100]);
  });
});
