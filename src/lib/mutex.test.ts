import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./mutex.ts";

describe("KeyedMutex", () => {
  it("runs sections of one key one at a time, in arrival order, and other keys' meanwhile", async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const a1 = m.run("a", async () => {
      log.push("a1 start");
      await gate;
      log.push("a1 end");
    });
    const a2 = m.run("a", async () => {
      log.push("a2");
    });
    await m.run("b", async () => {
      log.push("b");
    });
    expect(log).toEqual(["a1 start", "b"]);
    release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["a1 start", "b", "a1 end", "a2"]);
  });

  it("runs the next section of a key after one that failed, and passes each its own outcome", async () => {
    const m = new KeyedMutex();
    const failed = m.run("a", async () => {
      throw new Error("boom");
    });
    const next = m.run("a", async () => 42);
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe(42);
  });
});
