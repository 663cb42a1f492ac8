// Malformed framing and slow clients over raw sockets against the built executable: Content-Length that lies,
// chunked bodies, slowloris headers and bodies. Each gets a clear 4xx (408 after the configured timeouts) and
// the connection closed, while other clients are served as usual.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type Served } from "./served.ts";

const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 3000;
const REPORT = '<testsuite name="raw"><testcase classname="c" name="t"/></testsuite>';

/** A raw connection: what it received, and whether the server closed it. */
interface Raw {
  socket: Socket;
  received: () => string;
  closed: Promise<string>;
}

function open(port: number): Raw {
  const socket = connect(port, "127.0.0.1");
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (text += chunk));
  socket.on("error", () => undefined); // a reset after the server's answer is fine
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(text)));
  return { socket, received: () => text, closed };
}

/** Resolves with what the server sent before closing, or rejects after `limitMs`. */
function closedWithin(raw: Raw, limitMs: number): Promise<string> {
  return Promise.race([
    raw.closed,
    new Promise<string>((_, reject) =>
      setTimeout(() => reject(new Error(`still open after ${limitMs} ms; got: ${raw.received()}`)), limitMs),
    ),
  ]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("framing and slow clients against the executable", () => {
  let s: Served;
  const head = (lines: string[]) =>
    [
      `POST /api/v1/projects/p/reports HTTP/1.1`,
      "Host: test",
      `Authorization: Bearer ${s.token}`,
      ...lines,
      "",
      "",
    ].join("\r\n");

  beforeAll(async () => {
    s = await serve({
      env: {
        FLAKEGUARD_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        FLAKEGUARD_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      },
    });
  });
  afterAll(async () => {
    if (s) expect(await s.stop()).toBe(0);
  });

  it("answers a Content-Length smaller than the body with a 400 and closes", async () => {
    const raw = open(s.port);
    raw.socket.write(head(["Content-Length: 10"]) + REPORT);
    const answer = await closedWithin(raw, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(await s.ready()).toBe(true);
  });

  it("answers a Content-Length larger than the body with 408 once the request timeout passes", async () => {
    const raw = open(s.port);
    raw.socket.write(head([`Content-Length: ${REPORT.length + 500}`]) + REPORT);
    const answer = await closedWithin(raw, REQUEST_TIMEOUT_MS + 5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await s.ready()).toBe(true);
  });

  it("accepts a chunked upload with no length", async () => {
    const raw = open(s.port);
    const chunks = [REPORT.slice(0, 20), REPORT.slice(20)].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join("");
    raw.socket.write(head(["Transfer-Encoding: chunked", "Connection: close"]) + chunks + "0\r\n\r\n");
    const answer = await closedWithin(raw, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    expect(answer).toContain('"tests":1');
  });

  it("refuses a body with neither length nor chunking, and one with both", async () => {
    for (const framing of [[], [`Content-Length: ${REPORT.length}`, "Transfer-Encoding: chunked"]]) {
      const raw = open(s.port);
      raw.socket.write(head(framing) + REPORT);
      expect(await closedWithin(raw, 10_000)).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
  });

  it("cuts slowloris clients trickling headers or a body with 408, while other clients are served", async () => {
    const slow: Raw[] = [];
    let trickling = true;
    for (let i = 0; i < 40; i++) {
      const raw = open(s.port);
      slow.push(raw);
      const byHeaders = i % 2 === 0;
      raw.socket.write(
        byHeaders ? "POST /api/v1/projects/p/reports HTTP/1.1\r\nHost: test\r\n" : head(["Content-Length: 100000"]),
      );
      void (async () => {
        for (let n = 0; trickling && !raw.socket.destroyed; n++) {
          raw.socket.write(byHeaders ? `X-Slow-${n}: x\r\n` : "<");
          await sleep(200);
        }
      })();
    }
    // While they trickle, other clients get their answers promptly.
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      expect((await s.api("/api/v1/projects/p/tests")).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      await sleep(100);
    }
    const answers = await Promise.all(slow.map((raw) => closedWithin(raw, REQUEST_TIMEOUT_MS + 5000)));
    trickling = false;
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await s.ready()).toBe(true);
  });
});
