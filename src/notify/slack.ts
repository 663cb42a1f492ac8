/** Slack: an incoming-webhook URL, or a bot token and channel (chat.postMessage); Block Kit, grouped, 1 message/s. */
import { z } from "zod";
import type { OutboxItem } from "../store/outbox.ts";
import type { NotificationEvent } from "./events.ts";
import { postJson } from "./http.ts";
import type { DeliveryContext, DeliveryResult, Notifier } from "./notifier.ts";
import { buildSlackMessage } from "./slack-blocks.ts";

const SlackConfig = z.union(
  [
    z
      .object({
        webhookUrl: z
          .string()
          .url()
          .regex(/^https?:\/\//, "must be an http(s) URL"),
      })
      .strict(),
    z
      .object({
        token: z.string().regex(/^xox[a-z]-/, "must be a Slack bot token (xoxb-…)"),
        channel: z.string().min(1),
        /** Slack's Web API base (a proxy, or a test server). */
        apiUrl: z.string().url().default("https://slack.com/api"),
      })
      .strict(),
  ],
  { error: "give either webhookUrl, or token and channel" },
);

/** Web API errors that say "try again later"; every other `ok: false` is a configuration problem. */
const RETRYABLE_API_ERRORS = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

/** Posts one grouped message for the batch. */
async function send(items: OutboxItem[], ctx: DeliveryContext): Promise<DeliveryResult> {
  const message = buildSlackMessage(
    items.map((i) => i.payload as unknown as NotificationEvent),
    ctx.publicUrl,
  );
  const config = ctx.integration.config as { webhookUrl?: string; token?: string; channel?: string; apiUrl?: string };
  if (config.webhookUrl) {
    // Incoming webhooks answer 200 "ok", or a status with a plain-text error (invalid_payload, no_service, …).
    return (await postJson(config.webhookUrl, JSON.stringify(message), {}, ctx)).result;
  }
  const url = `${(config.apiUrl ?? "https://slack.com/api").replace(/\/+$/, "")}/chat.postMessage`;
  const body = JSON.stringify({ channel: config.channel, ...message, unfurl_links: false, unfurl_media: false });
  const answer = await postJson(url, body, { authorization: `Bearer ${config.token}` }, ctx);
  if (!answer.result.ok) return answer.result;
  // The Web API answers 200 with {ok: false, error} for most failures.
  let json: { ok?: boolean; error?: string };
  try {
    json = JSON.parse(answer.body) as typeof json;
  } catch {
    return {
      ok: false,
      retry: true,
      status: answer.result.status,
      error: `unreadable answer from chat.postMessage: ${answer.body.slice(0, 200)}`,
    };
  }
  if (json.ok) return answer.result;
  const error = json.error ?? "unknown_error";
  return {
    ok: false,
    retry: RETRYABLE_API_ERRORS.has(error),
    status: answer.result.status,
    error: `chat.postMessage: ${error}`,
  };
}

/** The Slack channel. */
export const slackNotifier: Notifier = {
  kind: "slack",
  config: SlackConfig as unknown as z.ZodType<Record<string, unknown>>,
  secrets: ["webhookUrl", "token"],
  defaultEvents: ["test.flaky", "test.broken", "test.quarantined", "test.released", "cluster.found", "digest"],
  maxBatch: 20,
  minIntervalMs: 1000,
  send,
};
