// A local Slack that speaks the real HTTP API FlakeGuard uses: incoming webhooks (POST /services/T/B/X,
// text answers "ok" or an error code) and the Web API's chat.postMessage (JSON {ok, ts} or {ok:false,
// error}), with Slack's status codes, Retry-After on 429 and the recorded answers in test/fixtures/slack.
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { listenLocal } from "./local-server.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/slack");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const WEBHOOK_ANSWERS = JSON.parse(fixture("incoming-webhook.answers.json")) as Record<
  string,
  { status: number; body: string; headers?: Record<string, string> }
>;

/** A message Slack accepted. */
export interface SlackMessage {
  via: "webhook" | "api";
  channel: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  at: number;
}

/** A scripted answer for the next request: Slack rate limiting, an outage status, or a named webhook error. */
export type ScriptedAnswer = { status: 429; retryAfter: number } | { status: number } | { webhookError: string };

/** The fake and its controls. */
export interface FakeSlack {
  /** An incoming-webhook URL for channel #flaky. */
  webhookUrl: string;
  /** The Web API base (…/api) for bot tokens. */
  apiUrl: string;
  token: string;
  messages: SlackMessage[];
  /** Every request, accepted or not. */
  requests: number;
  /** Answers the next requests with these, in order, before behaving normally again. */
  script(...answers: ScriptedAnswer[]): void;
  /** Answers every request with this status until cleared (null). */
  outage(status: number | null): void;
  close(): Promise<void>;
}

/** Starts a fake Slack workspace with one webhook (#flaky) and channels #flaky and #ci for the bot token. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const token = "xoxb-1111-2222-fake";
  const channels = new Set(["C0FLAKY", "#flaky", "C0CI", "#ci"]);
  const hook = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
  const messages: SlackMessage[] = [];
  const queue: ScriptedAnswer[] = [];
  let down: number | null = null;
  let requests = 0;
  let ts = 1503435956;

  const webhookAnswer = (res: ServerResponse, name: string) => {
    const a = WEBHOOK_ANSWERS[name];
    res.writeHead(a.status, { "content-type": "text/html", ...a.headers }).end(a.body);
  };
  const apiAnswer = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(body);

  const server = await listenLocal((req, body, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://x");
    const isApi = url.pathname.startsWith("/api/");
    const scripted = queue.shift() ?? (down !== null ? { status: down } : undefined);
    if (scripted) {
      if ("webhookError" in scripted) return webhookAnswer(res, scripted.webhookError);
      if (scripted.status === 429) {
        const retryAfter = "retryAfter" in scripted ? String(scripted.retryAfter) : "30";
        return isApi
          ? apiAnswer(res, 429, fixture("chat.postMessage.ratelimited.json"), { "retry-after": retryAfter })
          : res.writeHead(429, { "content-type": "text/html", "retry-after": retryAfter }).end("rate_limited");
      }
      return res
        .writeHead(scripted.status, { "content-type": "text/html" })
        .end(scripted.status >= 500 ? "rollup_error" : "error");
    }
    let payload: { channel?: string; text?: string; blocks?: Record<string, unknown>[] };
    try {
      payload = JSON.parse(body.toString("utf8")) as typeof payload;
    } catch {
      return isApi
        ? apiAnswer(res, 200, JSON.stringify({ ok: false, error: "invalid_json" }))
        : webhookAnswer(res, "invalid_payload");
    }
    if (req.method !== "POST") return res.writeHead(405).end();
    if (url.pathname === "/api/chat.postMessage") {
      if (req.headers.authorization !== `Bearer ${token}`)
        return apiAnswer(res, 200, fixture("chat.postMessage.invalid_auth.json"));
      if (!payload.channel || !channels.has(payload.channel))
        return apiAnswer(res, 200, fixture("chat.postMessage.channel_not_found.json"));
      if ((payload.blocks?.length ?? 0) > 50)
        return apiAnswer(res, 200, fixture("chat.postMessage.invalid_blocks.json"));
      if (!payload.text && !payload.blocks) return apiAnswer(res, 200, JSON.stringify({ ok: false, error: "no_text" }));
      messages.push({
        via: "api",
        channel: payload.channel,
        text: payload.text,
        blocks: payload.blocks,
        at: Date.now(),
      });
      const ok = JSON.parse(fixture("chat.postMessage.ok.json")) as Record<string, unknown>;
      return apiAnswer(res, 200, JSON.stringify({ ...ok, channel: payload.channel, ts: `${ts++}.000100` }));
    }
    if (url.pathname.startsWith("/services/")) {
      if (url.pathname !== hook) return webhookAnswer(res, "no_service");
      if (!payload.text && !payload.blocks) return webhookAnswer(res, "no_text");
      if ((payload.blocks?.length ?? 0) > 50) return webhookAnswer(res, "invalid_blocks");
      messages.push({ via: "webhook", channel: "#flaky", text: payload.text, blocks: payload.blocks, at: Date.now() });
      return webhookAnswer(res, "ok");
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });

  return {
    webhookUrl: `${server.url}${hook}`,
    apiUrl: `${server.url}/api`,
    token,
    messages,
    get requests() {
      return requests;
    },
    script: (...answers) => {
      queue.push(...answers);
    },
    outage: (status) => {
      down = status;
    },
    close: server.close,
  };
}
