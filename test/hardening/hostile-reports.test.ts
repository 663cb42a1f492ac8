// Hostile report bodies against the built executable: each is refused with a 4xx naming the problem (or, when
// it is a legal report, accepted with its values made sane), the server keeps serving, its memory stays bounded.
import { createServer, type Server } from "node:http";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, peakRss, serve, type Served } from "./served.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const suite = (body: string) => `<testsuite name="s">${body}</testsuite>`;

// Built before the server starts: building 50 MB strings blocks this process's event loop, and a keep-alive
// socket the server closed meanwhile would fail the next upload on the client side.
const BODIES = {
  billionLaughs: enc(
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><testsuite name="&lol9;"/>`,
  ),
  quadraticBlowup: enc(
    `<!DOCTYPE r [<!ENTITY a "${"x".repeat(100_000)}">]>${suite(`<testcase name="t"><system-out>${"&a;".repeat(50_000)}</system-out></testcase>`)}`,
  ),
  charRefsInText: enc(
    suite(`<testcase classname="c" name="refs"><system-out>${"&#65;".repeat(1_000_000)}</system-out></testcase>`),
  ),
  charRefsInName: enc(suite(`<testcase classname="c" name="${"&#x42;".repeat(1_000_000)}"/>`)),
  deepNesting: enc(suite("<a>".repeat(100_000) + "</a>".repeat(100_000))),
  hugeAttribute: enc(`<testsuite name="${"x".repeat(50 * MiB)}"><testcase name="t"/></testsuite>`),
  manyAttributes: enc(
    `<testsuite ${Array.from({ length: 100_000 }, (_, i) => `a${i}="1"`).join(" ")}><testcase name="t"/></testsuite>`,
  ),
  millionTestcases: enc(
    suite(
      Array.from({ length: 1_000_000 }, (_, i) => `<testcase classname="c${i % 100}" name="t${i}" time="0.001"/>`).join(
        "",
      ),
    ),
  ),
  hundredMbOutput: enc(
    suite(`<testcase classname="c" name="loud"><system-out>${"x".repeat(100_000_000 - 200)}</system-out></testcase>`),
  ),
  gzipBomb: gzipSync(new Uint8Array(10 * MiB), { level: 9 }),
  bigGzipBomb: gzipSync(new Uint8Array(1024 * MiB), { level: 9 }),
};

const xxe = (kind: "file" | "http" | "parameter", url: string) =>
  enc(
    kind === "parameter"
      ? `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % ext SYSTEM "${url}"> %ext;]>${suite('<testcase name="t"/>')}`
      : `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY ext SYSTEM "${url}">]>${suite('<testcase name="&ext;"/>')}`,
  );

describe("hostile reports against the executable", () => {
  let s: Served;
  let canary: Server;
  let canaryUrl = "";
  let canaryHits = 0;
  let baseline = 0;

  beforeAll(async () => {
    // Everything is processed in the request (inline limit above the upload limit), so each refusal is the
    // upload's own 4xx; maxTestcases is lowered so the 10⁶-testcase report meets the configured limit.
    s = await serve({ env: { FLAKEGUARD_INLINE_MAX_BYTES: String(128 * MiB), FLAKEGUARD_MAX_TESTCASES: "200000" } });
    canary = createServer((_, res) => {
      canaryHits++;
      res.end("<!ENTITY leak 'x'>");
    });
    await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
    canaryUrl = `http://127.0.0.1:${(canary.address() as { port: number }).port}/evil.dtd`;
    baseline = s.rss();
  });
  afterAll(async () => {
    canary?.close();
    if (s) expect(await s.stop(30_000)).toBe(0);
  });

  /** Uploads with node:http (fetch gives up when the server answers before the whole body is sent). */
  const upload = (body: Uint8Array, headers: Record<string, string> = {}, query = "") =>
    new Promise<{
      status: number;
      body: { error?: { code: string; message: string }; reports?: { id: string; counts: Record<string, number> }[] };
    }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: s.port,
          method: "POST",
          path: `/api/v1/projects/p/reports${query}`,
          headers: { authorization: `Bearer ${s.token}`, "content-length": String(body.byteLength), ...headers },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  /** Uploads, asserts the refusal, and that the server still answers. */
  async function refused(
    body: Uint8Array,
    status: number,
    code: string,
    message: RegExp,
    headers: Record<string, string> = {},
  ) {
    const res = await upload(body, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error?.code).toBe(code);
    expect(res.body.error?.message).toMatch(message);
    expect(await s.ready()).toBe(true);
  }

  it("refuses a billion-laughs document (~1 KB) without expanding it", async () => {
    expect(BODIES.billionLaughs.byteLength).toBeLessThan(1024);
    await refused(BODIES.billionLaughs, 400, "doctype_refused", /DOCTYPE declarations are refused/);
  });

  it("refuses one large entity referenced many times", async () => {
    await refused(BODIES.quadraticBlowup, 400, "doctype_refused", /DOCTYPE/);
  });

  it.each([
    ["an external file:// entity", xxe("file", "file:///etc/passwd")],
    ["an external http:// entity", "http"],
    ["an external parameter entity", "parameter"],
  ] as const)("refuses XXE: %s, reading no file and making no request", async (_, kind) => {
    const body = kind === "http" ? xxe("http", canaryUrl) : kind === "parameter" ? xxe("parameter", canaryUrl) : kind;
    const res = await upload(body);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("doctype_refused");
    expect(JSON.stringify(res.body)).not.toMatch(/root:|leak/);
    expect(canaryHits).toBe(0);
  });

  it("accepts 10⁶ numeric character references in text and in a name, keeping bounded text", async () => {
    const inText = await upload(BODIES.charRefsInText);
    expect(inText.status).toBe(201);
    const inName = await upload(BODIES.charRefsInName);
    expect(inName.status).toBe(201);
    expect(inName.body.reports?.[0].counts.tests).toBe(1);
  });

  it("refuses nesting 100 000 levels deep", async () => {
    await refused(BODIES.deepNesting, 413, "limit_exceeded", /nesting deeper than \d+ levels/);
  });

  it("refuses a 50 MB attribute and 100 000 attributes on one element", async () => {
    await refused(BODIES.hugeAttribute, 413, "limit_exceeded", /attribute name on <testsuite> longer than/);
    await refused(BODIES.manyAttributes, 413, "limit_exceeded", /more than \d+ attributes on <testsuite>/);
  });

  it("reads tags, attributes, results and names called __proto__, constructor and prototype as plain text", async () => {
    const junit =
      suite(`<testcase classname="__proto__" name="constructor" __proto__="x" prototype="y" constructor="z"><__proto__ a="1"/><constructor/><prototype/><toString/></testcase>
      <testcase classname="c" name="__proto__"><properties><property name="__proto__" value="x"/></properties></testcase><testcase classname="c" name="prototype"/>`);
    const res = await upload(enc(junit));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.reports?.[0].counts).toMatchObject({ tests: 3, passed: 3, attempts: 3 });
    const others = [
      '<TestRun><Results><UnitTestResult testId="1" testName="T" outcome="constructor" duration="00:00:01"><Output><constructor>x</constructor><__proto__>y</__proto__></Output></UnitTestResult></Results></TestRun>',
      '<test-run><test-suite fullname="F"><test-case name="T" result="__proto__"><__proto__/></test-case></test-suite></test-run>',
      '<assemblies><assembly><collection><test name="T" type="C" result="constructor"><constructor/></test></collection></assembly></assemblies>',
      '{"results":{"tool":{"name":"x"},"summary":{},"tests":[{"name":"__proto__","status":"passed","duration":1,"__proto__":{"status":"failed"},"constructor":{"prototype":{"x":1}}}]}}',
    ];
    for (const report of others) {
      const other = await upload(enc(report));
      expect(other.status, `${report}: ${JSON.stringify(other.body)}`).toBe(201);
      expect(other.body.reports?.[0].counts.tests).toBe(1);
    }
    const tests = await (await s.api("/api/v1/projects/p/tests?q=proto")).json();
    expect(tests.tests.map((t: { name: string }) => t.name)).toContain("__proto__");
  });

  it("refuses a gzip bomb, and a stacked gzip, gzip one, with memory bounded by the upload limit", async () => {
    expect(BODIES.gzipBomb.byteLength).toBeLessThan(20 * 1024);
    await refused(BODIES.gzipBomb, 415, "unsupported_format", /unrecognised report format/, {
      "content-encoding": "gzip",
    });
    await refused(
      BODIES.bigGzipBomb,
      413,
      "payload_too_large",
      /larger than the limit of 100 MiB \(after decompression\)/,
      { "content-encoding": "gzip" },
    );
    const stacked = gzipSync(BODIES.bigGzipBomb, { level: 9 });
    await refused(stacked, 413, "payload_too_large", /after decompression/, { "content-encoding": "gzip, gzip" });
    await refused(
      gzipSync(gzipSync(gzipSync(gzipSync(enc("<a/>"))))),
      415,
      "unsupported_encoding",
      /more than 3 stacked/,
      { "content-encoding": "gzip, gzip, gzip, gzip" },
    );
  });

  it("reads invalid UTF-8 with replacement characters and UTF-16 with a BOM; refuses NUL bytes and text after the root", async () => {
    const invalidUtf8 = new Uint8Array([
      ...enc('<testsuite name="s"><testcase classname="c" name="bad'),
      0xff,
      0xfe,
      0xc3,
      ...enc('"/></testsuite>'),
    ]);
    expect((await upload(invalidUtf8)).status).toBe(201);
    const utf16 = new Uint8Array([
      0xff,
      0xfe,
      ...Buffer.from(suite('<testcase classname="c" name="ünïcode"/>'), "utf16le"),
    ]);
    const read = await upload(utf16);
    expect(read.status).toBe(201);
    expect(read.body.reports?.[0].counts.tests).toBe(1);
    await refused(enc(suite('<testcase classname="c" name="nul\u0000"/>')), 400, "malformed", /disallowed character/);
    await refused(
      enc(suite('<testcase classname="c" name="t"/>') + "trailing text"),
      400,
      "malformed",
      /outside of root node/,
    );
  });

  it("refuses a report with 10⁶ testcases by the configured limit, without running out of memory", async () => {
    const { result, peak } = await peakRss(s.running.child.pid!, () => upload(BODIES.millionTestcases));
    expect(result.status).toBe(413);
    expect(result.body.error?.message).toMatch(/more than 200000 test executions in one report/);
    expect(peak - baseline).toBeLessThan(1024 * MiB);
  });

  it("reads empty names, NaN, negative and 1e308 durations as unknown, never as numbers", async () => {
    const junit = suite(`<testcase classname="" name="" time="NaN"/><testcase classname="c" name="nan" time="NaN"/>
      <testcase classname="c" name="negative" time="-5"/><testcase classname="c" name="huge" time="1e308"/><testcase classname="c" name="inf" time="Infinity"/>`);
    const res = await upload(enc(junit));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const ctrf =
      '{"results":{"tool":{"name":"x"},"summary":{},"tests":[{"name":"","status":"passed","duration":-1},{"name":"h","status":"passed","duration":1e308}]}}';
    expect((await upload(enc(ctrf))).status).toBeLessThan(500);
    const tests = await (await s.api("/api/v1/projects/p/tests?q=nan")).json();
    for (const test of tests.tests) expect(JSON.stringify(test)).not.toMatch(/NaN|Infinity|1e\+308/);
  });

  it("keeps 64 KiB of 100 MB of system-out, with memory bounded", async () => {
    const { result, peak } = await peakRss(s.running.child.pid!, () => upload(BODIES.hundredMbOutput));
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(peak - baseline).toBeLessThan(1536 * MiB);
  });

  it("stores a report uploaded 20 times concurrently once", async () => {
    const body = enc(suite('<testcase classname="c" name="same1"/><testcase classname="c" name="same2"/>'));
    const reports = async () =>
      ((await (await s.api("/api/v1/projects/p", {}, s.admin)).json()) as { counts: { reports: number } }).counts
        .reports;
    const before = await reports();
    const answers = await Promise.all(Array.from({ length: 20 }, () => upload(body, {}, "?commit=c0ffee&run=20x")));
    // One is processed in its request; the others arrive meanwhile and are stored raw and queued (202).
    expect(answers.every((a) => a.status === 201 || a.status === 202)).toBe(true);
    const ids = new Set(answers.map((a) => a.body.reports?.[0].id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => (a.body.reports?.[0] as { duplicate?: boolean }).duplicate === false)).toHaveLength(1);
    expect(await reports()).toBe(before + 1);
  });

  it("is still serving, with memory back near where it started", async () => {
    expect(await s.ready()).toBe(true);
    expect((await s.api("/api/v1/projects/p/tests")).status).toBe(200);
    expect(s.rss() - baseline).toBeLessThan(768 * MiB);
  });
});
