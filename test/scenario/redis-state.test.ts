// The Redis shared state against the real Redis on this machine (REDIS_URL or 127.0.0.1:6379): two
// "replicas" share rate limits, cache entries and live updates; a Redis missing at start stops the start;
// a Redis lost later degrades (fail open, cache misses) and comes back by itself.
import { createServer, connect, type Server, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/log.ts";
import { redisSharedState } from "../../src/shared-state/redis.ts";
import type { BusMessage } from "../../src/shared-state/bus.ts";
import type { SharedState } from "../../src/shared-state/index.ts";

const REDIS_URL = process.env.FLAKEGUARD_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const log = createLogger("silent");
const prefix = () => `fgtest:${process.pid}:${randomBytes(4).toString("hex")}:`;

describe("Redis shared state", () => {
  let a: SharedState;
  let b: SharedState;
  beforeAll(async () => {
    const p = prefix();
    a = await redisSharedState({ url: REDIS_URL, prefix: p, log });
    b = await redisSharedState({ url: REDIS_URL, prefix: p, log });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("counts hits of one key across replicas against one limit, and forgets it on reset", async () => {
    const got = [];
    for (let i = 0; i < 3; i++) got.push(await a.limiter.hit("upload:tok1", 5, 60_000));
    for (let i = 0; i < 3; i++) got.push(await b.limiter.hit("upload:tok1", 5, 60_000));
    expect(got.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(got.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(got[5].retryAfterS).toBeGreaterThanOrEqual(1);
    expect(got[5].retryAfterS).toBeLessThanOrEqual(60);
    expect((await a.limiter.hit("upload:tok2", 5, 60_000)).remaining).toBe(4); // another key, another budget
    await b.limiter.reset("upload:tok1");
    expect((await a.limiter.hit("upload:tok1", 5, 60_000)).remaining).toBe(4);
  });

  it("starts a new window when the old one expires", async () => {
    expect((await a.limiter.hit("short", 1, 300)).allowed).toBe(true);
    expect((await b.limiter.hit("short", 1, 300)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect((await b.limiter.hit("short", 1, 300)).allowed).toBe(true);
  });

  it("shares cache entries between replicas, with expiry", async () => {
    await a.cache.set("k", { n: 1, s: "x" }, 60_000);
    expect(await b.cache.get("k")).toEqual({ n: 1, s: "x" });
    await b.cache.delete("k");
    expect(await a.cache.get("k")).toBeUndefined();
    await a.cache.set("brief", 42, 100);
    await new Promise((r) => setTimeout(r, 250));
    expect(await b.cache.get("brief")).toBeUndefined();
  });

  it("fans a published live update out to the subscribers of every replica", async () => {
    const seen: { on: string; msg: BusMessage }[] = [];
    const offA = a.bus.subscribe((msg) => seen.push({ on: "a", msg }));
    const offB = b.bus.subscribe((msg) => seen.push({ on: "b", msg }));
    await a.bus.publish({ type: "report.processed", projectId: "p1", data: { id: "r1" } });
    await until(() => seen.length >= 2);
    expect(seen.map((s) => s.on).sort()).toEqual(["a", "b"]);
    expect(seen[0].msg).toEqual({ type: "report.processed", projectId: "p1", data: { id: "r1" } });
    offA();
    offB();
  });
});

describe("Redis outages", () => {
  it("refuses to start when Redis cannot be reached, naming REDIS_URL", async () => {
    const port = await closedPort();
    await expect(
      redisSharedState({ url: `redis://:secret@127.0.0.1:${port}`, prefix: prefix(), log, connectTimeoutMs: 2000 }),
    ).rejects.toThrow(/cannot reach Redis at .*127\.0\.0\.1:\d+ \(REDIS_URL\)/);
  });

  it("fails open while Redis is gone and shares state again once it is back", async () => {
    const proxy = await tcpProxy(REDIS_URL);
    const p = prefix();
    const s = await redisSharedState({ url: `redis://127.0.0.1:${proxy.port}`, prefix: p, log });
    try {
      expect((await s.limiter.hit("k", 1, 60_000)).allowed).toBe(true);
      expect((await s.limiter.hit("k", 1, 60_000)).allowed).toBe(false);
      await s.cache.set("c", "v", 60_000);
      await proxy.cut();
      // Lost: the limiter lets requests through, the cache misses, publishing drops — nothing throws.
      expect((await s.limiter.hit("k", 1, 60_000)).allowed).toBe(true);
      expect(await s.cache.get("c")).toBeUndefined();
      await expect(s.bus.publish({ type: "x" })).resolves.toBeUndefined();
      await proxy.restore();
      // Back: the client reconnects by itself and the window counted before the outage is still there.
      await until(async () => !(await s.limiter.hit("k", 1, 60_000)).allowed, 10_000);
      expect(await s.cache.get("c")).toBe("v");
    } finally {
      await s.close();
      await proxy.close();
    }
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP proxy to Redis that can be cut (connections dropped, new ones refused) and restored on the same port. */
async function tcpProxy(target: string) {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(targetPort || 6379), hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = async () => {
    const closed = new Promise((r) => server!.close(r)); // resolves once every connection is gone
    for (const s of sockets) s.destroy();
    await closed;
  };
  await open();
  return {
    get port() {
      return port;
    },
    cut,
    restore: open,
    close: async () => {
      if (server?.listening) await cut();
      else for (const s of sockets) s.destroy();
    },
  };
}
