// Serves the built web UI. Hashed files under /assets/ never change, so browsers may keep them for a
// year; index.html names the current hashes, so it is revalidated on every load (ETag → 304).
import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { UiAssets } from "../runtime/ui-assets.ts";

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
};

// Paths the server owns; the SPA fallback must never answer them with HTML.
const SERVER_PATHS = /^\/(api|metrics|livez|readyz)(\/|$)/;

/** Content type for a file name by its extension (application/octet-stream when unknown). */
export function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/** Hono handler serving `assets` for GET/HEAD: immutable caching for /assets/*, no-cache + ETag for index.html, index.html for other non-API paths; everything else goes to next(). */
export function serveUi(assets: UiAssets): MiddlewareHandler {
  const index = assets.get("/index.html");
  const indexEtag = index ? `"${createHash("sha256").update(index).digest("base64url").slice(0, 27)}"` : undefined;

  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    if ((method !== "GET" && method !== "HEAD") || SERVER_PATHS.test(path)) return next();
    const file = assets.get(path);
    if (file && path !== "/index.html") {
      const cache = path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
      return send(c, file, contentType(path), { "cache-control": cache });
    }
    // A missing hashed file is a stale page asking for an old build: a 404 beats HTML labelled as JS.
    if (path.startsWith("/assets/")) return next();
    if (!index || !indexEtag) {
      return c.text("The web UI is not built; run `node build.ts --ui-only`.\n", 404);
    }
    const headers = { "cache-control": "no-cache", etag: indexEtag };
    if (matchesEtag(c.req.header("if-none-match"), indexEtag)) return c.body(null, 304, headers);
    return send(c, index, CONTENT_TYPES.html, headers);
  };
}

function send(c: Context, body: Uint8Array<ArrayBuffer>, type: string, headers: Record<string, string>): Response {
  const all = { "content-type": type, "content-length": String(body.byteLength), ...headers };
  // HEAD gets the same headers and no body.
  return c.req.method === "HEAD" ? c.body(null, 200, all) : c.body(body, 200, all);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}
