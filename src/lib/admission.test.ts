import { describe, expect, it } from "vitest";
import { AppError } from "./errors.ts";
import { Admission } from "./admission.ts";

/** A section that runs until its `finish` is called. */
function gate() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { done, finish };
}

describe("Admission", () => {
  it("runs at most `concurrency` at once and admits waiters in arrival order", async () => {
    const a = new Admission({ concurrency: 2, maxWaiting: 10, maxWaitMs: 60_000, retryAfterSeconds: 1 });
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const runs = gates.map((g, i) => a.run(async () => (started.push(i), g.done)));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(a.load).toEqual({ running: 2, waiting: 3 });
    gates[1].finish();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.finish();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(a.load).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses with 429 and Retry-After past maxWaiting, and after maxWaitMs, without running the section", async () => {
    const a = new Admission({ concurrency: 1, maxWaiting: 1, maxWaitMs: 50, retryAfterSeconds: 3 });
    const g = gate();
    const first = a.run(() => g.done);
    const second = a.run(async () => "ran");
    const third = a.run(async () => "ran");
    await expect(third).rejects.toMatchObject({ status: 429, code: "busy", headers: { "Retry-After": "3" } });
    const refused = await second.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toMatch(/waited 0 s for one of 1 slots/);
    g.finish();
    await first;
    expect(a.load).toEqual({ running: 0, waiting: 0 });
    expect(await a.run(async () => "ran")).toBe("ran");
  });
});
