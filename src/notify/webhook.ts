/** Outbound webhooks: any URL, one signed JSON POST per event. */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { OutboxItem } from "../store/outbox.ts";
import type { NotificationEvent } from "./events.ts";
import { postJson } from "./http.ts";
import { clusterLink, uiLink } from "./links.ts";
import type { DeliveryContext, DeliveryResult, Notifier } from "./notifier.ts";
import { SIGNATURE_HEADER, signPayload } from "./signature.ts";

const WebhookConfig = z
  .object({
    url: z
      .string()
      .url()
      .regex(/^https?:\/\//, "must be an http(s) URL"),
    /** Generated when left out (shown once, in the answer that created the integration). */
    secret: z
      .string()
      .min(16, "must be at least 16 characters")
      .default(() => `fgw_${randomBytes(24).toString("base64url")}`),
  })
  .strict();

/** The JSON body of a webhook delivery: the event, its delivery id, and links to the UI. */
export function webhookBody(
  item: Pick<OutboxItem, "id" | "payload">,
  publicUrl: string | undefined,
): Record<string, unknown> {
  const e = item.payload as unknown as NotificationEvent;
  return {
    id: item.id,
    type: e.type,
    key: e.key,
    occurredAt: new Date(e.occurredAt).toISOString(),
    project: { ...e.project, url: uiLink(publicUrl, e.project.slug) ?? null },
    ...(e.test ? { test: { ...e.test, url: uiLink(publicUrl, e.project.slug, e.test.id) ?? null } } : {}),
    ...(e.verdict ? { verdict: e.verdict } : {}),
    ...(e.quarantine
      ? {
          quarantine: {
            ...e.quarantine,
            expiresAt: e.quarantine.expiresAt ? new Date(e.quarantine.expiresAt).toISOString() : null,
          },
        }
      : {}),
    ...(e.digest ? { digest: e.digest } : {}),
    ...(e.cluster
      ? { cluster: { ...e.cluster, url: clusterLink(publicUrl, e.project.slug, e.cluster.id) ?? null } }
      : {}),
    ...(e.message ? { message: e.message } : {}),
  };
}

/** POSTs one event, signed: X-FlakeGuard-Signature, X-FlakeGuard-Event, X-FlakeGuard-Delivery. */
async function send(items: OutboxItem[], ctx: DeliveryContext): Promise<DeliveryResult> {
  const item = items[0];
  const config = ctx.integration.config as { url: string; secret: string };
  const body = JSON.stringify(webhookBody(item, ctx.publicUrl));
  const headers = {
    [SIGNATURE_HEADER]: signPayload(config.secret, body, ctx.now),
    "X-FlakeGuard-Event": item.eventType,
    "X-FlakeGuard-Delivery": item.id,
  };
  return (await postJson(config.url, body, headers, ctx)).result;
}

/** The webhook channel. */
export const webhookNotifier: Notifier = {
  kind: "webhook",
  config: WebhookConfig,
  secrets: ["secret"],
  defaultEvents: ["test.flaky", "test.broken", "test.quarantined", "test.released", "verdict.changed", "cluster.found"],
  maxBatch: 1,
  minIntervalMs: 0,
  send,
};
