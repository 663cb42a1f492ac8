/** What one HTTP attempt came back with; the body is read so the connection is released before a retry. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Clock, randomness and waiting, injected so tests neither wait nor depend on chance. */
export interface RetryDeps {
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A number in [0, 1), as Math.random. */
  random: () => number;
  /** Milliseconds since the epoch, as Date.now; for Retry-After given as an HTTP date. */
  now: () => number;
}

/** How retrying behaves; the defaults suit a CI job that should not hang for long. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait than this gets this; a CI job should not sit idle for an hour. */
  maxRetryAfterMs: number;
}

/** Five attempts, 1 s doubling to at most 30 s, Retry-After honoured up to 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Told before each wait, so the command can say why it is waiting. */
export type RetryNotice = (reason: string, delayMs: number, nextAttempt: number, maxAttempts: number) => void;

/**
 * Runs `attempt` until it answers something other than 429 or 5xx, or throws something other than a
 * network error, or attempts run out. Returns the last answer, or throws the last network error.
 */
export async function withRetries(
  attempt: () => Promise<HttpAnswer>,
  deps: RetryDeps,
  signal: AbortSignal,
  onRetry: RetryNotice,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<HttpAnswer> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    let reason: string;
    let retryAfterMs: number | undefined;
    try {
      const answer = await attempt();
      if (!isRetryableStatus(answer.status) || attemptNumber >= policy.maxAttempts) return answer;
      reason = `server answered HTTP ${answer.status}`;
      retryAfterMs = parseRetryAfter(answer.headers.get("retry-after"), deps.now());
    } catch (error) {
      if (signal.aborted || attemptNumber >= policy.maxAttempts) throw error;
      reason = describeNetworkError(error);
    }
    const delayMs =
      retryAfterMs !== undefined
        ? Math.min(retryAfterMs, policy.maxRetryAfterMs)
        : backoffDelay(attemptNumber, policy, deps.random);
    onRetry(reason, delayMs, attemptNumber + 1, policy.maxAttempts);
    await deps.sleep(delayMs, signal);
  }
}

/** 429 (slow down) and 5xx (the server or a proxy in front of it is unwell) are worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Exponential backoff with jitter: base·2^(n−1), capped, then scaled by a random factor in [0.5, 1). */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates name a weekday and month; without letters Date.parse would take "-5" for a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** fetch throws "fetch failed" and hides the reason (ECONNREFUSED, a timeout …) in `cause`. */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "the request timed out";
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message} (${detail})` : error.message;
}
