// kill -9 in the middle of a stream of uploads, then a restart: every upload that got a 2xx is there and
// processed, none is half-stored — on SQLite, PGlite and PostgreSQL. (The embedded data directory's lock
// refusing a second process is also checked in test/e2e/binary.test.ts.)
import { afterAll, describe, expect, it } from "vitest";
import { BACKENDS, PG_ADMIN_URL, adminQuery } from "../helpers/backends.ts";
import { freePort, run, sandbox } from "../e2e/process.ts";
import { serve, type Served } from "./served.ts";
import { expectStoredWhole, uploadStream } from "./uploads.ts";

const pgName = `fg_hard_crash_${process.pid}`;
const pgUrl = () => Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${pgName}` }).toString();

const CASES = [
  { backend: "sqlite", args: () => [] as string[] },
  { backend: "pglite", args: () => ["--database-url", "pglite:./pg"] },
  { backend: "postgres", args: () => ["--database-url", pgUrl()] },
].filter((c) => BACKENDS.includes(c.backend as never));

describe.each(CASES)("kill -9 during uploads on $backend", ({ backend, args }) => {
  let restarted: Served | undefined;
  afterAll(async () => {
    if (restarted) await restarted.stop(30_000);
    if (backend === "postgres") await adminQuery(`drop database if exists ${pgName} with (force)`);
  });

  it("keeps every acknowledged upload, whole, and processes the queued ones after the restart", async () => {
    if (backend === "postgres") {
      await adminQuery(`drop database if exists ${pgName} with (force)`);
      await adminQuery(`create database ${pgName}`);
    }
    const box = sandbox();
    const env = { FLAKEGUARD_INLINE_MAX_BYTES: "8192", FLAKEGUARD_UPLOAD_RATE_LIMIT: "0" };
    const first = await serve({ box, args: args(), env });
    // Kill once 30 uploads were acknowledged (or after 8 s), while 4 more are in flight.
    let acked = 0;
    const killed = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (acked >= 30) {
          clearInterval(timer);
          first.running.child.kill("SIGKILL");
          resolve();
        }
      }, 10);
      setTimeout(() => {
        clearInterval(timer);
        first.running.child.kill("SIGKILL");
        resolve();
      }, 8000);
    });
    const log = await uploadStream(
      {
        ...first,
        api: async (...a) => {
          const r = await first.api(...a);
          if (r.status < 300) acked++;
          return r;
        },
      },
      4,
      killed,
    );
    expect((await first.running.exited).signal).toBe("SIGKILL");
    expect(log.acknowledged.length).toBeGreaterThanOrEqual(10);
    expect(log.acknowledged.some((a) => a.status === 202)).toBe(true);

    restarted = await serve({ box, args: args(), env, port: first.port, token: first.token });
    await expectStoredWhole(restarted, log);

    // The crashed process's lock was taken over; a second live process on the same data directory is refused.
    if (backend !== "postgres") {
      const second = await run({ ...box, env: { ...box.env, FLAKEGUARD_LOG_LEVEL: "warn" } }, [
        "serve",
        "--port",
        String(await freePort()),
        ...args(),
      ]);
      expect(second.code).not.toBe(0);
      expect(second.output).toMatch(/in use by another flakeguard process/);
    }
  }, 240_000);
});
