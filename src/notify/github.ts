/**
 * GitHub as a notification channel: check runs, the PR comment and issues of a workflow run travel
 * through the outbox like Slack messages (durable, retried with backoff, Retry-After honoured, once
 * per event key). A project linked to a repository gets one `github` integration; the repository is
 * in each event. The work itself is src/github/ (several calls per event, and it records the GitHub
 * ids of what it posted so the next event edits them in place); the delivery job hands it in as
 * `ctx.github`.
 */
import { z } from "zod";
import type { OutboxItem } from "../store/outbox.ts";
import type { DeliveryContext, DeliveryResult, Notifier } from "./notifier.ts";

/** The one event type GitHub integrations take: "publish this piece of a run's outcome". */
export const GITHUB_EVENT = "github.publish" as const;

async function send(items: OutboxItem[], ctx: DeliveryContext): Promise<DeliveryResult> {
  if (!ctx.github)
    return {
      ok: false,
      retry: false,
      status: null,
      error: "GitHub is not configured on this server (githubAppId and githubPrivateKey, or githubToken)",
    };
  return ctx.github(items[0]);
}

/** The GitHub channel. */
export const githubNotifier: Notifier = {
  kind: "github",
  config: z.object({}).strict() as unknown as z.ZodType<Record<string, unknown>>,
  secrets: [],
  defaultEvents: [GITHUB_EVENT],
  maxBatch: 1,
  minIntervalMs: 0,
  send,
};
