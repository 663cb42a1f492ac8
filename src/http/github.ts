/** POST /api/v1/github/webhook: GitHub App deliveries, authenticated by their signature, stored and queued in one transaction. */
import type { Handler } from "hono";
import { verifySignature } from "../github/signature.ts";
import { GITHUB_WEBHOOK_JOB } from "../jobs/github-webhook.ts";
import { AppError } from "../lib/errors.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";

/** The events (and actions) we act on; any other is acknowledged and dropped, nothing stored. */
const HANDLED: Record<string, (action: string | null) => boolean> = {
  installation: () => true,
  installation_repositories: () => true,
  workflow_run: (action) => action === "completed",
  check_run: (action) => action === "requested_action" || action === "rerequested",
};

/**
 * Handler: verifies X-Hub-Signature-256 over the raw body (constant time; 401 and nothing stored when
 * it is missing or wrong), then stores the delivery and its job together and answers 202 at once; the
 * worker does the rest. A delivery id seen before (GitHub's redelivery) answers 200 and is not queued again.
 */
export const githubWebhookHandler =
  (d: HttpDeps): Handler<HttpEnv> =>
  async (c) => {
    const secret = d.config.githubWebhookSecret;
    if (!secret)
      throw new AppError(404, "not_found", "the GitHub App is not configured on this server (githubWebhookSecret)");
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!verifySignature(secret, raw, c.req.header("x-hub-signature-256"))) {
      throw new AppError(
        401,
        "bad_signature",
        "X-Hub-Signature-256 is missing or does not match the body signed with the webhook secret",
      );
    }
    const id = c.req.header("x-github-delivery");
    const event = c.req.header("x-github-event");
    if (!id || !event)
      throw new AppError(400, "invalid_request", "X-GitHub-Delivery and X-GitHub-Event headers are required");
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(new TextDecoder().decode(raw)) as Record<string, unknown>;
    } catch {
      throw new AppError(
        400,
        "invalid_request",
        "the body is not JSON (set the App's webhook content type to application/json)",
      );
    }
    const action = typeof payload.action === "string" ? payload.action : null;
    if (!HANDLED[event]?.(action)) return c.json({ status: "ignored", event, action }, 202);
    const now = d.clock();
    const created = await d.store.github.recordDelivery({ id, event, action, payload }, now, (orm) =>
      d.store.jobs.enqueueJob({ kind: GITHUB_WEBHOOK_JOB, payload: { deliveryId: id }, maxAttempts: 10 }, now, orm),
    );
    if (!created) return c.json({ status: "duplicate", delivery: id }, 200);
    return c.json({ status: "queued", delivery: id }, 202);
  };
