// GET /cli/flakeguard.js over HTTP: public, a version ETag that revalidates to 304, HEAD without a body,
// and a 404 naming the problem when the build carries no client. The bytes themselves are tested where
// they are made (src/runtime/cli-client.test.ts) and served (test/e2e/ci-client.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const CLIENT = new TextEncoder().encode("#!/usr/bin/env node\nconsole.log('flakeguard');\n");

describe("GET /cli/flakeguard.js", () => {
  let withClient: TestApp;
  let without: TestApp;
  let loads = 0;
  beforeAll(async () => {
    withClient = await startTestApp("sqlite", {}, { cliClient: async () => (loads++, new Uint8Array(CLIENT)) });
    without = await startTestApp("sqlite");
  });
  afterAll(async () => {
    await withClient?.close();
    await without?.close();
  });

  it("serves the client to anyone, with a version ETag, revalidated to 304, HEAD without a body", async () => {
    const res = await withClient.request("/cli/flakeguard.js", { token: "fgu_not_a_token_at_all" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, no-cache");
    expect(res.headers.get("x-flakeguard-version")).toBe(VERSION);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(CLIENT);
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(new RegExp(`^"${VERSION.replace(/\./g, "\\.")}-[A-Za-z0-9_-]{16}"$`));
    const again = await withClient.request("/cli/flakeguard.js", { token: null, headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const stale = await withClient.request("/cli/flakeguard.js", {
      token: null,
      headers: { "if-none-match": '"0.0.1-x"' },
    });
    expect(stale.status).toBe(200);
    const head = await withClient.request("/cli/flakeguard.js", { token: null, method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(etag);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    expect(loads).toBe(1); // read once, then kept
  });

  it("answers 404 with the reason when this build has no client", async () => {
    const res = await without.json("GET", "/cli/flakeguard.js", undefined, null);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("this FlakeGuard build does not carry the CI client");
  });

  it("names the version on /livez, which the client reads before it talks to the server", async () => {
    expect(await (await withClient.request("/livez", { token: null })).json()).toEqual({
      status: "ok",
      version: VERSION,
    });
  });
});
