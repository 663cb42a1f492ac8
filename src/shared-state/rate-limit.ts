/** Fixed-window rate limiting, in memory or shared across replicas (Redis). */

/** The answer of one hit: allowed or not, and when to retry. */
export interface RateDecision {
  allowed: boolean;
  /** Hits left in the current window. */
  remaining: number;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfterS: number;
}

/** Counts hits per key in fixed windows. */
export interface RateLimiter {
  /** Records one hit on `key` and says whether it is within `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  /** Forgets a key (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** A rate limiter for one process; `now` is the clock. */
export function memoryRateLimiter(now: () => number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async hit(key, limit, windowMs) {
      const t = now();
      const start = Math.floor(t / windowMs) * windowMs;
      let w = windows.get(key);
      if (!w || w.start !== start) {
        // Drop stale windows now and then so the map stays bounded by active keys.
        if (windows.size > 10_000) for (const [k, v] of windows) if (v.start + windowMs <= t) windows.delete(k);
        w = { start, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      const retryAfterS = Math.max(1, Math.ceil((start + windowMs - t) / 1000));
      return { allowed: w.count <= limit, remaining: Math.max(0, limit - w.count), retryAfterS };
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}
