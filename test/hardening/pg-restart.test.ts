// PostgreSQL restarted under a stream of uploads (a private server, never the shared one): each request
// succeeds or fails cleanly with 503 and Retry-After, the process recovers by itself, the queue resumes and
// every acknowledged upload ends up processed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";
import { startPrivatePg, type PrivatePg } from "./private-pg.ts";
import { eventually, serve, type Served } from "./served.ts";
import { expectStoredWhole, uploadStream } from "./uploads.ts";

describe.runIf(BACKENDS.includes("postgres"))("PostgreSQL restarted under load", () => {
  let db: PrivatePg;
  let s: Served;

  beforeAll(async () => {
    db = await startPrivatePg();
    s = await serve({
      args: ["--database-url", db.url],
      env: { FLAKEGUARD_INLINE_MAX_BYTES: "8192", FLAKEGUARD_UPLOAD_RATE_LIMIT: "0" },
    });
  });
  afterAll(async () => {
    if (s) await s.stop(30_000);
    db?.remove();
  });

  it("answers 503 with Retry-After or succeeds while the database is down, and recovers alone", async () => {
    const retryAfter: (string | null)[] = [];
    const api = s.api;
    const watched: Served = {
      ...s,
      api: async (...args) => {
        const res = await api(...args);
        if (res.status === 503) retryAfter.push(res.headers.get("retry-after"));
        return res;
      },
    };
    let stopStream: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stopStream = resolve));
    const stream = uploadStream(watched, 4, stopped, (status) => status === 503);
    await new Promise((r) => setTimeout(r, 1500));
    db.stop();
    await new Promise((r) => setTimeout(r, 2000));
    // Reads fail cleanly too while it is down.
    const read = await s.api("/api/v1/projects/p/tests");
    expect([200, 503]).toContain(read.status);
    db.start();
    // Uploads succeed again without restarting FlakeGuard.
    await eventually(
      async () => (await s.api("/api/v1/projects/p/tests")).status === 200,
      60_000,
      "API answering after the restart",
    );
    await new Promise((r) => setTimeout(r, 2000));
    stopStream();
    const log = await stream;
    expect(
      log.failures.filter((f) => typeof f.status === "string"),
      "requests that failed without an answer",
    ).toEqual([]);
    expect(log.failures.length, "uploads refused while the database was down").toBeGreaterThan(0);
    expect(retryAfter.length).toBeGreaterThan(0);
    for (const value of retryAfter) expect(Number(value)).toBeGreaterThan(0);
    const lastAck = Math.max(...log.acknowledged.map((a) => a.n));
    expect(lastAck, "uploads acknowledged after the restart").toBeGreaterThan(
      Math.max(...log.failures.map((f) => f.n)),
    );
    // A queued report whose job failed during the outage is retried after the queue's backoff (up to a minute).
    await expectStoredWhole(s, log);
    expect(await s.ready()).toBe(true);
  }, 240_000);
});
