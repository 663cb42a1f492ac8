import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { serveUi } from "./static.ts";

const enc = (s: string) => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;
const INDEX = '<!doctype html><script type="module" src="/assets/main-AB12CD34.js"></script>';

function app(files: Record<string, string> = { "/index.html": INDEX, "/assets/main-AB12CD34.js": "console.log(1)" }) {
  const hono = new Hono();
  hono.get("/api/v1/ping", (c) => c.json({ ok: true }));
  hono.on(["GET", "HEAD"], "*", serveUi(new Map(Object.entries(files).map(([k, v]) => [k, enc(v)]))));
  return hono;
}

describe("serveUi", () => {
  it("serves hashed assets as immutable with their content type", async () => {
    const res = await app().request("/assets/main-AB12CD34.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await res.text()).toBe("console.log(1)");
  });

  it("serves index.html at / with no-cache and an ETag that revalidates to 304", async () => {
    const ui = app();
    const res = await ui.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);
    expect(await res.text()).toBe(INDEX);
    const again = await ui.request("/", { headers: { "if-none-match": etag ?? "" } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("answers client-side routes with index.html", async () => {
    const res = await app().request("/projects/web/tests/42");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX);
  });

  it("never answers server paths or missing hashed assets with HTML", async () => {
    const ui = app();
    expect((await ui.request("/api/v1/nope")).status).toBe(404);
    expect((await ui.request("/metrics")).status).toBe(404);
    expect((await ui.request("/api/v1/ping")).status).toBe(200);
    const stale = await ui.request("/assets/main-OLDHASH0.js");
    expect(stale.status).toBe(404);
    expect(stale.headers.get("content-type") ?? "").not.toMatch(/html/);
  });

  it("answers HEAD with headers and no body", async () => {
    const res = await app().request("/assets/main-AB12CD34.js", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("14");
    expect(await res.text()).toBe("");
  });

  it("says how to build the UI when there is none", async () => {
    const res = await app({}).request("/");
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/--ui-only/);
  });
});
