// A burst of 1,000 concurrent uploads into a freshly started server on PostgreSQL (issue 23): it had 683
// answered 503 "timeout exceeded when trying to connect" (10 pooled connections, 5 s to get one) while
// PostgreSQL was healthy. Admission control in front of the pool queues them: no 5xx, and every upload
// that got a 2xx is processed. A 429 (queue full or waited too long) is retried after Retry-After, as
// `flakeguard upload` does.
import { afterAll, describe, expect, it } from "vitest";
import { BACKENDS, PG_ADMIN_URL, adminQuery } from "../helpers/backends.ts";
import { eventually, serve, type Served } from "./served.ts";

const pgName = `fg_hard_burst_${process.pid}`;
const pgUrl = () => Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${pgName}` }).toString();
const UPLOADS = 1000;

/** Upload n: 200 tests of its own (about 17 KB), as a CI job's report might be. */
const report = (n: number) =>
  `<testsuite name="burst">${Array.from(
    { length: 200 },
    (_, i) => `<testcase classname="burst.Case${i % 20}" name="u${n}_t${i}" time="0.01"/>`,
  ).join("")}</testsuite>`;

describe.runIf(BACKENDS.includes("postgres" as never))("a burst of uploads on PostgreSQL", () => {
  let s: Served | undefined;
  afterAll(async () => {
    if (s) await s.stop(60_000);
    await adminQuery(`drop database if exists ${pgName} with (force)`);
  });

  it(`answers ${UPLOADS} concurrent uploads with no 5xx and processes every acknowledged one`, async () => {
    await adminQuery(`drop database if exists ${pgName} with (force)`);
    await adminQuery(`create database ${pgName}`);
    s = await serve({ args: ["--database-url", pgUrl()], env: { FLAKEGUARD_UPLOAD_RATE_LIMIT: "0" } });
    const statuses: number[] = [];
    const upload = async (n: number): Promise<string> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await s!.api(`/api/v1/projects/p/reports?commit=b${n}`, {
          method: "POST",
          headers: { "content-type": "application/xml" },
          body: report(n),
        });
        statuses.push(res.status);
        const body = (await res.json()) as { reports?: { id: string }[] };
        if (res.status !== 429) {
          expect(res.status, JSON.stringify(body)).toBeLessThan(300);
          return body.reports![0].id;
        }
        await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") ?? 1) * 1000));
      }
      throw new Error(`upload ${n}: still 429 after 20 attempts`);
    };
    const started = performance.now();
    const ids = await Promise.all(Array.from({ length: UPLOADS }, (_, n) => upload(n)));
    const count = (pred: (st: number) => boolean) => statuses.filter(pred).length;
    console.log(
      `${UPLOADS} concurrent uploads on PostgreSQL: ${count((x) => x < 300)} × 2xx, ${count((x) => x === 429)} × 429 ` +
        `(retried), ${count((x) => x >= 500)} × 5xx, all answered in ${Math.round(performance.now() - started)} ms`,
    );
    expect(count((x) => x >= 500)).toBe(0);
    expect(new Set(ids).size).toBe(UPLOADS);
    // Every acknowledged report is processed.
    const pending = new Set(ids);
    await eventually(
      async () => {
        for (const id of [...pending].slice(0, 100)) {
          const r = (await (await s!.api(`/api/v1/projects/p/reports/${id}`)).json()) as { state: string };
          if (r.state === "processed") pending.delete(id);
        }
        return pending.size === 0;
      },
      300_000,
      `all ${UPLOADS} reports processed`,
    );
  }, 600_000);
});
