import { describe, expect, it } from "vitest";
import { inSlices, yielder } from "./yield.ts";

describe("yielder", () => {
  it("answers undefined until the slice ran out, then a turn of the event loop", async () => {
    let clock = 0;
    const maybeYield = yielder(20, () => clock);
    clock = 19;
    expect(maybeYield()).toBeUndefined();
    // A callback queued before the yield runs before the loop resumes: the yield is a real turn.
    let timerRan = false;
    setImmediate(() => (timerRan = true));
    clock = 20;
    const turn = maybeYield();
    expect(turn).toBeInstanceOf(Promise);
    expect(timerRan).toBe(false);
    await turn;
    expect(timerRan).toBe(true);
  });

  it("starts a new slice after each turn", async () => {
    let clock = 100;
    const maybeYield = yielder(20, () => clock);
    clock = 125;
    await maybeYield();
    clock = 140;
    expect(maybeYield()).toBeUndefined();
    clock = 145;
    expect(maybeYield()).toBeInstanceOf(Promise);
  });
});

describe("inSlices", () => {
  it("runs every chunk in order, with each chunk's start", async () => {
    const seen: [number[], number][] = [];
    await inSlices([1, 2, 3, 4, 5], 2, (chunk, start) => void seen.push([[...chunk], start]), yielder(0));
    expect(seen).toEqual([
      [[1, 2], 0],
      [[3, 4], 2],
      [[5], 4],
    ]);
  });

  it("gives the event loop a turn between chunks", async () => {
    const order: string[] = [];
    setImmediate(() => order.push("immediate"));
    await inSlices([1, 2], 1, (chunk) => void order.push(`chunk ${chunk[0]}`), yielder(0));
    expect(order).toEqual(["chunk 1", "immediate", "chunk 2"]);
  });
});
