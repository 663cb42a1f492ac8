// SIGTERM under a stream of uploads: requests in flight complete, new ones are not accepted, the process exits
// 0 within the grace period, and every acknowledged upload is there after a restart.
import { request } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { sandbox } from "../e2e/process.ts";
import { serve } from "./served.ts";
import { expectStoredWhole, uploadStream } from "./uploads.ts";

const GRACE_MS = 5000;

describe("SIGTERM under load", () => {
  it("completes in-flight uploads, accepts no new ones, exits 0 within the grace period", async () => {
    const box = sandbox();
    const env = {
      FLAKEGUARD_SHUTDOWN_GRACE_MS: String(GRACE_MS),
      FLAKEGUARD_INLINE_MAX_BYTES: "8192",
      FLAKEGUARD_UPLOAD_RATE_LIMIT: "0",
    };
    const s = await serve({ box, env });
    let signalled = 0;
    const exited = s.running.exited.then((e) => ({ ...e, ms: Date.now() - signalled }));
    const log = uploadStream(s, 8, exited);
    await new Promise((r) => setTimeout(r, 1500));
    signalled = Date.now();
    s.running.child.kill("SIGTERM");
    const { code, ms } = await exited;
    const seen = await log;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(GRACE_MS + 2000);
    // Every request the server answered was served: nothing was cut off with a 5xx.
    expect(seen.failures.filter((f) => typeof f.status === "number")).toEqual([]);
    expect(seen.acknowledged.length).toBeGreaterThan(5);
    // New connections are refused once it stopped listening.
    await expect(fetch(`http://127.0.0.1:${s.port}/livez`)).rejects.toThrow();

    const again = await serve({ box, env, port: s.port, token: s.token });
    try {
      await expectStoredWhole(again, seen);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });

  it("does not wait out the grace period for a connection that never sent a request, an event stream or an idle keep-alive", async () => {
    // Browsers open connections ahead of use; one of those held the exit for the whole grace period.
    const longGraceMs = 60_000;
    const s = await serve({ env: { FLAKEGUARD_SHUTDOWN_GRACE_MS: String(longGraceMs) } });
    const unused = connect(s.port, "127.0.0.1");
    await new Promise((resolve) => unused.once("connect", resolve));
    unused.on("error", () => undefined);
    const streamEnded = new Promise<void>((resolve, reject) => {
      request(
        { host: "127.0.0.1", port: s.port, path: "/api/v1/stream", headers: { authorization: `Bearer ${s.admin}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          res
            .on("data", () => undefined)
            .on("end", resolve)
            .on("error", reject);
        },
      )
        .on("error", reject)
        .end();
    });
    const keepAlive = await s.api("/livez");
    await keepAlive.text();
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    s.running.child.kill("SIGTERM");
    const { code } = await s.running.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(longGraceMs / 2);
    await streamEnded;
  });
});
