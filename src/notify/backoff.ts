/** When a failed notification is tried again, and when it is given up. */

/** First retry after this long; doubles per attempt. */
const BASE_MS = 15_000;
/** Never wait longer than this between two attempts. */
const CAP_MS = 10 * 60_000;

/** The delay before attempt `attempts + 1`: exponential, capped, ±20% jitter so failed batches spread out. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const plain = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

/** What to do after a failed attempt: retry at a time, or give up. */
export type RetryDecision = { retry: true; at: number } | { retry: false };

/**
 * After a failure at `now`: give up when it cannot be retried (a 4xx other than 429) or the
 * notification has been failing past `giveUpMs` since it was queued; else retry when the server's
 * Retry-After says (a 429 names the moment it will accept again), or after the backoff.
 */
export function afterFailure(
  f: { retry: boolean; retryAfterMs?: number },
  item: { attempts: number; createdAt: number },
  now: number,
  giveUpMs: number,
): RetryDecision {
  if (!f.retry || now - item.createdAt >= giveUpMs) return { retry: false };
  return { retry: true, at: now + (f.retryAfterMs ?? backoffMs(item.attempts)) };
}
