// A user's path through the built executable: serve, create a project and token, upload reports with
// `flakeguard upload`, read them back; SIGTERM lets an in-flight upload finish.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS } from "../helpers/corpus.ts";
import { freePort, run, sandbox, start, stop, waitReady, type Running, type Sandbox } from "./process.ts";

describe("upload through the executable", () => {
  let box: Sandbox;
  let server: Running;
  let port: number;
  let admin: string;
  let token: string;
  const api = (path: string, init: RequestInit = {}, auth = admin) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${auth}`, ...init.headers },
    });

  beforeAll(async () => {
    box = sandbox();
    port = await freePort();
    server = start(box, ["serve", "--port", String(port)]);
    await waitReady(server, port);
    admin = /fga_[A-Za-z0-9_-]+/.exec(server.output())![0];
    expect(
      (
        await api("/api/v1/projects", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"slug":"web"}',
        })
      ).status,
    ).toBe(201);
    token = (await (await api("/api/v1/projects/web/tokens", { method: "POST" })).json()).token;
  });
  afterAll(async () => {
    if (server) await stop(server);
  });

  it("uploads reports with CI metadata detected from GitHub Actions' environment", async () => {
    const reports = join(box.dir, "reports");
    await import("node:fs").then((fs) => {
      fs.mkdirSync(reports);
      fs.copyFileSync(join(CORPUS, "junit/retries/flaky_with_classname_file.xml"), join(reports, "a.xml"));
      fs.copyFileSync(join(CORPUS, "ctrf/with-retries.json"), join(reports, "b.json"));
    });
    const env = {
      ...box.env,
      FLAKEGUARD_SERVER: `http://127.0.0.1:${port}`,
      FLAKEGUARD_TOKEN: token,
      FLAKEGUARD_PROJECT: "web",
      GITHUB_ACTIONS: "true",
      GITHUB_SHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
      GITHUB_REF_NAME: "main",
      GITHUB_RUN_ID: "8812",
      GITHUB_RUN_ATTEMPT: "2",
      GITHUB_JOB: "unit",
      GITHUB_EVENT_NAME: "push",
    };
    const { code, output } = await run({ ...box, env }, ["upload", "--fail-on-error", "reports/*"]);
    expect(code, output).toBe(0);
    const ids = [...output.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((m) => m[0]);
    expect(new Set(ids).size).toBe(2);
    for (const id of new Set(ids)) {
      const report = await (await api(`/api/v1/projects/web/reports/${id}`, {}, token)).json();
      expect(report).toMatchObject({
        state: "processed",
        commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        run: "8812",
        attempt: 2,
        job: "unit",
      });
      expect(report.counts.flaky).toBe(1);
    }
  });

  it("refuses a corrupt report with a 4xx and keeps serving", async () => {
    const res = await api(
      "/api/v1/projects/web/reports",
      { method: "POST", body: readFileSync(join(CORPUS, "invalid/enricomi/corrupt-xml.xml")) },
      token,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await res.json()).error.message).toMatch(/refused/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  it("finishes an in-flight upload on SIGTERM, then exits 0 and refuses new connections", async () => {
    const cases = Array.from({ length: 200 }, (_, i) => `<testcase classname="slow" name="t${i}"/>`).join("");
    const body = new TextEncoder().encode(`<testsuite name="slow">${cases}</testsuite>`);
    let sent = 0;
    let signalled = false;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= body.length) return controller.close();
        if (sent > body.length / 2 && !signalled) {
          signalled = true;
          server.child.kill("SIGTERM");
          await new Promise((r) => setTimeout(r, 300));
        }
        controller.enqueue(body.subarray(sent, sent + 1024));
        sent += 1024;
      },
    });
    const res = await api(
      "/api/v1/projects/web/reports?commit=inflight",
      { method: "POST", body: stream, duplex: "half" } as RequestInit,
      token,
    );
    expect(res.status).toBe(201);
    expect((await res.json()).reports[0].counts.tests).toBe(200);
    expect((await server.exited).code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow();
  });
});
