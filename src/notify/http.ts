/** One outbound HTTP request of a notifier, with a timeout, and its answer classified for retries. */
import { refusedTarget } from "./address.ts";
import type { DeliveryContext, DeliveryResult } from "./notifier.ts";

/** The answer: how it went, and the body text when there was one (Slack's API puts errors in it). */
export interface PostAnswer {
  result: DeliveryResult;
  body: string;
}

/** Statuses worth another try: rate limited, request timeout, and server errors. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Retry-After in milliseconds (seconds or an HTTP date), undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * POSTs `body` and classifies the answer; never throws (timeouts and network errors are retryable
 * failures; a loopback or private target, unless allowed, fails for good without a request).
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  ctx: DeliveryContext,
): Promise<PostAnswer> {
  const refused = ctx.allowPrivate ? undefined : await refusedTarget(url);
  if (refused) return { result: { ok: false, retry: false, status: null, error: refused }, body: "" };
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method: "POST",
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(ctx.timeoutMs),
      headers: { "content-type": "application/json; charset=utf-8", "user-agent": "FlakeGuard", ...headers },
    });
  } catch (e) {
    const err = e as Error;
    const timedOut = err.name === "TimeoutError" || err.name === "AbortError";
    const why = timedOut
      ? `timed out after ${ctx.timeoutMs} ms`
      : `${err.message}${err.cause ? `: ${(err.cause as Error).message ?? String(err.cause)}` : ""}`;
    return { result: { ok: false, retry: true, status: null, error: why }, body: "" };
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return { result: { ok: true, status: res.status }, body: text };
  const error = `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`;
  const retry = retryableStatus(res.status);
  const after =
    res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get("retry-after"), ctx.now) : undefined;
  return {
    result: { ok: false, retry, status: res.status, error, ...(after !== undefined ? { retryAfterMs: after } : {}) },
    body: text,
  };
}
