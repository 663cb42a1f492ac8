/** Processes one stored GitHub webhook delivery (installation, workflow_run, check_run) — once. */
import { GitHubError } from "../github/client.ts";
import { processDelivery } from "../github/webhook.ts";
import type { JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind. */
export const GITHUB_WEBHOOK_JOB = "github-webhook" satisfies JobKind;

/** A delivery already processed is skipped; a failure retrying cannot fix is recorded on the delivery, not retried. */
export const githubWebhookJob: JobDefinition<"github-webhook"> = {
  kind: GITHUB_WEBHOOK_JOB,
  async run(job, deps) {
    const id = job.payload.deliveryId;
    const delivery = await deps.store.github.getDelivery(id);
    if (!delivery || delivery.processedAt !== null) return;
    try {
      await processDelivery({ gh: deps.github, store: deps.store, uploads: deps.uploads, clock: deps.clock }, delivery);
      await deps.store.github.finishDelivery(id, deps.clock(), null);
    } catch (e) {
      if (!(e instanceof GitHubError)) throw e; // retried with backoff (or at GitHub's Retry-After)
      await deps.store.github.finishDelivery(id, deps.clock(), e.message);
    }
  },
};
