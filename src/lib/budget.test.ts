import { describe, expect, it } from "vitest";
import { ByteBudget } from "./budget.ts";

describe("ByteBudget", () => {
  it("grants what fits, refuses the rest without taking any, and gives back on release", () => {
    const b = new ByteBudget(100);
    const one = b.lease();
    expect(one.tryTake(60)).toBe(true);
    const two = b.lease();
    expect(two.tryTake(50)).toBe(false);
    expect(b.inUse).toBe(60);
    expect(two.tryTake(40)).toBe(true);
    one.release();
    one.release(); // idempotent
    expect(b.inUse).toBe(40);
    two.release();
    expect(b.inUse).toBe(0);
  });

  it("makes waiters wait in arrival order, lets nobody jump them, and clamps a take to the whole budget", async () => {
    const b = new ByteBudget(100);
    expect(await b.take(80)).toBe(80);
    const order: string[] = [];
    const big = b.take(500).then((n) => order.push(`big ${n}`));
    const small = b.take(10).then((n) => order.push(`small ${n}`));
    expect(b.tryTake(5)).toBe(false); // someone waits: no jumping the queue
    await Promise.resolve();
    expect(order).toEqual([]);
    b.give(80);
    await big;
    expect(order).toEqual(["big 100"]);
    b.give(100);
    await small;
    expect(order).toEqual(["big 100", "small 10"]);
    expect(b.inUse).toBe(10);
  });
});
