// The foundation's HTTP contract on every backend: health, auth, projects, tokens, errors, OpenAPI, metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

describe.each(BACKENDS)("API on %s", (backend) => {
  let t: TestApp;
  let upload: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    expect((await t.json("POST", "/api/v1/projects", { slug: "web", name: "Web" })).status).toBe(201);
    expect((await t.json("POST", "/api/v1/projects", { slug: "api" })).status).toBe(201);
    const tok = await t.json("POST", "/api/v1/projects/web/tokens", { scope: "upload" });
    upload = tok.body.token;
  });
  afterAll(() => t?.close());

  it("answers liveness and readiness without a token", async () => {
    expect((await t.request("/livez", { token: null })).status).toBe(200);
    const ready = await t.request("/readyz", { token: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", backend });
  });

  it("refuses a missing or wrong token with 401 and the JSON error shape", async () => {
    const none = await t.json("GET", "/api/v1/projects", undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    expect(none.body.error.message).toMatch(/bearer token/);
    const wrong = await t.json("GET", "/api/v1/projects", undefined, "fga_nottherightoneatallnottherightone");
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/invalid or revoked/);
  });

  it("creates a project once and names the problem with a bad or duplicate slug", async () => {
    const dup = await t.json("POST", "/api/v1/projects", { slug: "web" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain("'web' already exists");
    const bad = await t.json("POST", "/api/v1/projects", { slug: "Not OK" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.slug: /);
    const extra = await t.json("POST", "/api/v1/projects", { slug: "x1", colour: "red" });
    expect(extra.status).toBe(400);
    const notJson = await t.request("/api/v1/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(notJson.status).toBe(400);
    expect((await t.json("GET", "/api/v1/projects")).body.projects.map((p: { slug: string }) => p.slug)).toEqual([
      "api",
      "web",
    ]);
  });

  it("shows a project with its counts, and 404 for an unknown one", async () => {
    const one = await t.json("GET", "/api/v1/projects/web");
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      slug: "web",
      name: "Web",
      defaultBranch: "main",
      counts: { reports: 0, pendingReports: 0 },
    });
    const missing = await t.json("GET", "/api/v1/projects/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("'nope'");
  });

  it("binds an upload token to its project: its own 200, another's 403, admin routes 403", async () => {
    expect(upload).toMatch(/^fgu_[A-Za-z0-9_-]{32}$/);
    expect((await t.json("GET", "/api/v1/projects/web", undefined, upload)).status).toBe(200);
    const other = await t.json("GET", "/api/v1/projects/api", undefined, upload);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain("'api'");
    expect((await t.json("POST", "/api/v1/projects", { slug: "sneaky" }, upload)).status).toBe(403);
    expect((await t.json("POST", "/api/v1/projects/web/tokens", {}, upload)).status).toBe(403);
    expect((await t.json("GET", "/api/v1/projects", undefined, upload)).body.projects).toHaveLength(1);
    // nothing changed by the refused calls
    expect((await t.json("GET", "/api/v1/projects")).body.projects).toHaveLength(2);
  });

  it("shows a token once and stores only its hash", async () => {
    const res = await t.json("POST", "/api/v1/projects/api/tokens", { scope: "upload", name: "ci" });
    expect(res.status).toBe(201);
    const stored = await t.app.store.tokens.listTokens((await t.app.store.projects.getProject("api"))!.id);
    expect(stored.map((s) => s.prefix)).toEqual([res.body.token.slice(0, 8)]);
    expect(JSON.stringify(stored)).not.toContain(res.body.token);
  });

  it("publishes an OpenAPI document of the routes", async () => {
    const doc = await t.json("GET", "/api/v1/openapi.json", undefined, null);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/projects",
        "/api/v1/projects/{project}",
        "/api/v1/projects/{project}/tokens",
        "/api/v1/projects/{project}/reports",
      ]),
    );
  });

  it("exports request metrics by route and status", async () => {
    const text = await (await t.request("/metrics", { token: null })).text();
    expect(text).toMatch(
      /flakeguard_http_requests_total\{method="GET",route="\/api\/v1\/projects\/:project",status="200"\} \d+/,
    );
    expect(text).toContain("flakeguard_build_info");
    expect(text).toContain("flakeguard_process_resident_memory_bytes");
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const res = await t.json("GET", "/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});
