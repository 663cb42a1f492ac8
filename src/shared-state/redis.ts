import { Redis, type RedisOptions } from "ioredis";
import { FatalError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { redactUrl } from "../store/backend/url.ts";
import type { Bus, BusMessage } from "./bus.ts";
import type { Cache } from "./cache.ts";
import type { SharedState } from "./state.ts";
import type { RateLimiter } from "./rate-limit.ts";

/** Where the shared state lives and how keys are named. */
export interface RedisStateOptions {
  url: string;
  /** Prepended to every key and channel, so several installations (or tests) can share one Redis. */
  prefix: string;
  log: Logger;
  /** How long the first connection may take before the start fails. */
  connectTimeoutMs?: number;
}

/**
 * Rate limits, cache and live-update bus in Redis, shared by every replica. Redis unreachable at start:
 * a FatalError. Lost later: commands fail fast (no offline queue) — the limiter lets requests through,
 * the cache misses, live updates drop — while the client reconnects in the background.
 */
export async function redisSharedState(o: RedisStateOptions): Promise<SharedState> {
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: o.connectTimeoutMs ?? 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
  const cmd = new Redis(o.url, { ...options, connectionName: "flakeguard" });
  const sub = new Redis(o.url, { ...options, connectionName: "flakeguard-sub" });
  const degraded = degradedLog(o.log);
  let lastError: Error | undefined;
  for (const c of [cmd, sub]) {
    c.on("error", (e: Error) => {
      lastError = e;
      degraded(e);
    });
    c.on("ready", () => degraded.recovered());
  }
  try {
    await Promise.all([cmd.connect(), sub.connect()]);
  } catch (e) {
    cmd.disconnect();
    sub.disconnect();
    throw new FatalError(
      `cannot reach Redis at ${redactUrl(o.url)} (REDIS_URL): ${(lastError ?? (e as Error)).message}`,
    );
  }
  const bus = redisBus(cmd, sub, `${o.prefix}bus`, degraded);
  return {
    kind: "redis",
    limiter: redisRateLimiter(cmd, `${o.prefix}rl:`, degraded),
    cache: redisCache(cmd, `${o.prefix}cache:`, degraded),
    bus,
    async close() {
      await bus.close();
      await Promise.all([cmd.quit().catch(() => cmd.disconnect()), sub.quit().catch(() => sub.disconnect())]);
    },
  };
}

/** Logs the first failure of an outage (then every 100th) and the recovery, not every failed command. */
function degradedLog(log: Logger) {
  let failures = 0;
  const fail = (e: unknown) => {
    if (failures++ % 100 === 0)
      log.warn({ err: e, failures }, "Redis unavailable: rate limits fail open, cache misses, live updates drop");
  };
  fail.recovered = () => {
    if (failures > 0) log.info({ failures }, "Redis reachable again");
    failures = 0;
  };
  return fail;
}

type Degraded = ReturnType<typeof degradedLog>;

/** INCR, starting the window's expiry on the first hit, atomically; answers the count and the time left. */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/**
 * Fixed windows that start at a key's first hit (so replicas' clocks need not agree): one counter per
 * key, counted and expired by one Lua script, shared by every replica.
 */
export function redisRateLimiter(redis: Redis, prefix: string, degraded: Degraded): RateLimiter {
  return {
    async hit(key, limit, windowMs) {
      try {
        const [count, ttlMs] = (await redis.eval(HIT_SCRIPT, 1, prefix + key, String(windowMs))) as [number, number];
        return {
          allowed: count <= limit,
          remaining: Math.max(0, limit - count),
          retryAfterS: Math.max(1, Math.ceil(ttlMs / 1000)),
        };
      } catch (e) {
        degraded(e);
        // Fail open: an outage of Redis must not become an outage of the API.
        return { allowed: true, remaining: limit, retryAfterS: Math.max(1, Math.ceil(windowMs / 1000)) };
      }
    },
    async reset(key) {
      try {
        await redis.del(prefix + key);
      } catch (e) {
        degraded(e);
      }
    },
  };
}

/** JSON values with PX expiry. */
export function redisCache(redis: Redis, prefix: string, degraded: Degraded): Cache {
  return {
    async get<T>(key: string) {
      try {
        const v = await redis.get(prefix + key);
        return v === null ? undefined : (JSON.parse(v) as T);
      } catch (e) {
        degraded(e);
        return undefined;
      }
    },
    async set(key, value, ttlMs) {
      try {
        await redis.set(prefix + key, JSON.stringify(value), "PX", Math.max(1, Math.round(ttlMs)));
      } catch (e) {
        degraded(e);
      }
    },
    async delete(key) {
      try {
        await redis.del(prefix + key);
      } catch (e) {
        degraded(e);
      }
    },
  };
}

/** Pub/sub on one channel: one subscriber connection per process, fanned out to local subscribers. */
export function redisBus(pub: Redis, sub: Redis, channel: string, degraded: Degraded): Bus {
  const subscribers = new Set<(msg: BusMessage) => void>();
  const onMessage = (ch: string, text: string) => {
    if (ch !== channel) return;
    let msg: BusMessage;
    try {
      msg = JSON.parse(text) as BusMessage;
    } catch {
      return;
    }
    for (const fn of subscribers) {
      try {
        fn(msg);
      } catch {
        /* a broken subscriber must not stop the others */
      }
    }
  };
  sub.on("message", onMessage);
  // ioredis subscribes again by itself after a reconnect.
  const subscribed = sub.subscribe(channel).catch((e) => degraded(e));
  return {
    async publish(msg) {
      await subscribed;
      try {
        await pub.publish(channel, JSON.stringify(msg));
      } catch (e) {
        degraded(e); // live updates are best effort: the UI refetches on its next load
      }
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => {
        subscribers.delete(fn);
      };
    },
    async close() {
      subscribers.clear();
      sub.off("message", onMessage);
    },
  };
}
