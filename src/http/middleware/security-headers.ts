// Browser hardening on every response (UI, assets, API, health): the UI is one bundled script and one
// stylesheet from this origin, so the policy allows exactly that and nothing inline (an injected
// <script> or style="" attribute does not run), no framing (clickjacking), no MIME sniffing.
import type { Context, MiddlewareHandler } from "hono";

/**
 * The Content-Security-Policy of every response. `img-src data:` is for the empty favicon
 * (`<link rel="icon" href="data:,">`) that keeps browsers from asking for /favicon.ico;
 * `connect-src 'self'` covers the API calls and the live event stream.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** HSTS for a year, sent only over HTTPS (a browser ignores it over plain HTTP, and a test install may have none). */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

const ALWAYS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/**
 * Whether the browser reached us over https, directly or through a proxy that says so. Trusting the
 * header is safe for what it decides: a Secure cookie and HSTS, which browsers ignore over plain HTTP.
 */
export function overHttps(c: Context): boolean {
  return (
    new URL(c.req.url).protocol === "https:" ||
    (c.req.header("x-forwarded-proto") ?? "").split(",")[0].trim().toLowerCase() === "https"
  );
}

/** Sets the security headers on every response, error pages and 404s included (HSTS only over HTTPS). */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(ALWAYS)) c.res.headers.set(name, value);
    if (overHttps(c)) c.res.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  };
}
