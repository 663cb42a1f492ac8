// Request ids, JSON logs without credentials, body limits — on the default backend.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";

describe("observability and limits", () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new PassThrough();
    sink.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
    t = await startTestApp("sqlite", {}, { logTo: sink });
  });
  afterAll(() => t?.close());

  it("gives every response a request id and logs it with the request, never the token", async () => {
    const res = await t.request("/api/v1/projects");
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 50));
    const entry = lines.map((l) => JSON.parse(l)).find((e) => e.requestId === id);
    expect(entry).toMatchObject({ msg: "request", method: "GET", route: "/api/v1/projects", status: 200 });
    expect(lines.join("\n")).not.toContain(t.admin);
  });

  it("keeps the caller's request id", async () => {
    const res = await t.request("/livez", { headers: { "x-request-id": "ci-run-42" } });
    expect(res.headers.get("x-request-id")).toBe("ci-run-42");
  });

  it("refuses a JSON body over 1 MiB with a 413 naming the limit, and stores nothing", async () => {
    const res = await t.request("/api/v1/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ slug: "big", name: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toMatch(/larger than the limit of 1024 KiB/);
    expect((await t.json("GET", "/api/v1/projects")).body.projects).toHaveLength(0);
  });

  it("refuses a report over the upload limit with 413", async () => {
    await t.json("POST", "/api/v1/projects", { slug: "web" });
    const small = await startTestApp("sqlite", { maxUploadBytes: 4096 });
    try {
      await small.json("POST", "/api/v1/projects", { slug: "web" });
      const res = await small.request("/api/v1/projects/web/reports", {
        method: "POST",
        body: `<testsuite>${"<testcase name='x'/>".repeat(500)}</testsuite>`,
      });
      expect(res.status).toBe(413);
      expect((await res.json()).error.message).toMatch(/larger than the limit of 4 KiB/);
    } finally {
      await small.close();
    }
  });
});
