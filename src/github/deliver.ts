/** Sends one outbox item of the `github` channel: runs its publish task and says how it went, in the outbox's terms. */
import type { DeliveryResult } from "../notify/notifier.ts";
import type { Store } from "../store/index.ts";
import type { OutboxItem } from "../store/outbox.ts";
import { GitHubError, GitHubRetryableError } from "./client.ts";
import { publish, type PublishTask } from "./publish.ts";
import type { GitHub } from "./service.ts";

/** The sender the delivery job gives the github notifier. */
export function githubSender(
  gh: GitHub,
  store: Store,
  clock: () => number,
): (item: OutboxItem) => Promise<DeliveryResult> {
  return async (item) => {
    const task = (item.payload as { github?: PublishTask }).github;
    if (!task) return { ok: false, retry: false, status: null, error: "not a GitHub publish event" };
    const client = gh.clientFor(task.installationId);
    if (!client)
      return {
        ok: false,
        retry: false,
        status: null,
        error: "GitHub is not configured: set githubAppId and githubPrivateKey (or githubToken)",
      };
    try {
      await publish(gh, client, store, task, clock());
      return { ok: true, status: 200 };
    } catch (e) {
      if (e instanceof GitHubRetryableError) {
        return {
          ok: false,
          retry: true,
          status: e.status,
          error: e.message,
          ...(e.retryAt === undefined ? {} : { retryAfterMs: Math.max(0, e.retryAt - clock()) }),
        };
      }
      if (e instanceof GitHubError) return { ok: false, retry: false, status: e.status || null, error: e.message };
      throw e; // a bug or the database: the delivery job counts it as retryable
    }
  };
}
