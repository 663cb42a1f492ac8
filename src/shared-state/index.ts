import type { Logger } from "../lib/log.ts";
import { memoryBus } from "./bus.ts";
import { memoryCache } from "./cache.ts";
import { memoryRateLimiter } from "./rate-limit.ts";
import type { SharedState } from "./state.ts";

export type { SharedState } from "./state.ts";

/** The in-memory shared state of a single process. */
export function memorySharedState(now: () => number): SharedState {
  const bus = memoryBus();
  return { limiter: memoryRateLimiter(now), cache: memoryCache(now), bus, kind: "memory", close: () => bus.close() };
}

/** Redis when `redisUrl` is set (rate limits, caches and live updates shared by every replica), else in memory. */
export async function createSharedState(o: {
  redisUrl?: string;
  redisPrefix: string;
  log: Logger;
  now: () => number;
}): Promise<SharedState> {
  if (!o.redisUrl) return memorySharedState(o.now);
  const { redisSharedState } = await import("./redis.ts");
  return redisSharedState({ url: o.redisUrl, prefix: o.redisPrefix, log: o.log });
}
