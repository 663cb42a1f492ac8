import type { MiddlewareHandler } from "hono";
import type { Config } from "../../config/settings.ts";
import { AppError } from "../../lib/errors.ts";
import type { RateLimiter } from "../../shared-state/rate-limit.ts";
import type { HttpEnv } from "../env.ts";

const WINDOW_MS = 60_000;

/** A report upload (its own, larger budget: CI fleets upload in bursts). */
export function isUpload(method: string, path: string): boolean {
  return method === "POST" && /\/reports\/?$/.test(path);
}

/**
 * Per-credential request budgets per minute, uploads and the rest of the API apart: through the shared
 * limiter, so with Redis every replica counts against the same budget. Over budget: 429 with Retry-After.
 * Runs after authentication; requests without a principal (public endpoints) are not counted here.
 */
export function rateLimit(
  limiter: RateLimiter,
  config: Pick<Config, "uploadRateLimit" | "apiRateLimit">,
  clock: () => number,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) return next();
    const upload = isUpload(c.req.method, c.req.path);
    const limit = upload ? config.uploadRateLimit : config.apiRateLimit;
    if (limit <= 0) return next();
    const who = principal.tokenId ?? ("sessionId" in principal ? `session:${principal.sessionId}` : principal.actor);
    const d = await limiter.hit(`${upload ? "upload" : "api"}:${who}`, limit, WINDOW_MS);
    const headers = {
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": String(d.remaining),
      "X-RateLimit-Reset": String(Math.ceil(clock() / 1000) + d.retryAfterS),
    };
    if (!d.allowed) {
      throw new AppError(
        429,
        "rate_limited",
        `too many ${upload ? "uploads" : "requests"} with this credential: the limit is ${limit} per minute; retry in ${d.retryAfterS} s`,
        { ...headers, "Retry-After": String(d.retryAfterS) },
      );
    }
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    await next();
  };
}
