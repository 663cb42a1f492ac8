import type { Bus } from "./bus.ts";
import type { Cache } from "./cache.ts";
import type { RateLimiter } from "./rate-limit.ts";

/** State that replicas share when scaled out (Redis), or that one process keeps in memory. */
export interface SharedState {
  limiter: RateLimiter;
  cache: Cache;
  bus: Bus;
  /** "memory" or "redis", for /metrics and the about page. */
  kind: "memory" | "redis";
  close(): Promise<void>;
}
