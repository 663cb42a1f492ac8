// GET /cli/flakeguard.js: the light CI client, public (a CI job fetches it before it has any reason to
// authenticate; it holds no secret). Its ETag names the version and the content, so a runner's cache or a
// proxy revalidates it with a 304 and a server upgrade is a new tag.
import { createHash } from "node:crypto";
import type { Handler } from "hono";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { errorBody } from "./errors.ts";

/** Serves the client's bytes with a version ETag; 404 when this build has no client. */
export function cliClientHandler(d: HttpDeps): Handler<HttpEnv> {
  let tagged: Promise<{ body: Uint8Array<ArrayBuffer>; etag: string } | undefined> | undefined;
  const load = () =>
    (tagged ??= (d.cliClient?.() ?? Promise.resolve(undefined)).then((body) =>
      body
        ? { body, etag: `"${d.version}-${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"` }
        : undefined,
    ));
  return async (c) => {
    const client = await load();
    if (!client) {
      tagged = undefined; // a dev server may gain the sources' build tool later; ask again next time
      return c.json(errorBody("not_found", "this FlakeGuard build does not carry the CI client"), 404);
    }
    const headers = {
      "content-type": "text/javascript; charset=utf-8",
      // Revalidated on every use: the URL stays the same across versions, the ETag does not.
      "cache-control": "public, no-cache",
      etag: client.etag,
      "x-flakeguard-version": d.version,
    };
    const match = c.req.header("if-none-match");
    if (match && match.split(",").some((t) => [client.etag, `W/${client.etag}`, "*"].includes(t.trim())))
      return c.body(null, 304, headers);
    return c.body(client.body, 200, { ...headers, "content-length": String(client.body.byteLength) });
  };
}
