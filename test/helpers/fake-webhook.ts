// A local webhook receiver: records each POST (headers and raw body) and answers 200, or what it is told to.
import type { IncomingHttpHeaders } from "node:http";
import { listenLocal } from "./local-server.ts";

/** One delivery as received. */
export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The receiver and its controls. */
export interface FakeWebhook {
  url: string;
  received: ReceivedHook[];
  /** Answers every request with this status until cleared (null). */
  outage(status: number | null): void;
  /** Holds every answer this long (ms) — a receiver that times out. */
  delay(ms: number): void;
  close(): Promise<void>;
}

/** Starts a receiver at /hooks/flakeguard. */
export async function startFakeWebhook(): Promise<FakeWebhook> {
  const received: ReceivedHook[] = [];
  let down: number | null = null;
  let wait = 0;
  const server = await listenLocal((req, body, res) => {
    const answer = () => {
      if (res.destroyed || req.socket.destroyed) return; // the sender gave up (timed out): it never got an answer
      if (down !== null) return res.writeHead(down, { "content-type": "text/plain" }).end("unavailable");
      received.push({ headers: req.headers, body: body.toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    };
    if (wait > 0) setTimeout(answer, wait);
    else answer();
  });
  return {
    url: `${server.url}/hooks/flakeguard`,
    received,
    outage: (status) => {
      down = status;
    },
    delay: (ms) => {
      wait = ms;
    },
    close: server.close,
  };
}
