import { deliverDue } from "../notify/deliver.ts";
import { DELIVER_NOTIFICATIONS_JOB } from "../notify/emit.ts";
import { githubSender } from "../github/deliver.ts";
import type { JobDefinition } from "./definition.ts";

/**
 * Delivers due notifications (one round, see deliverDue) and queues itself again for the next due
 * one: the outbox, not this job, holds the state, so a lost or duplicate job costs nothing.
 */
export const deliverNotificationsJob: JobDefinition<"deliver-notifications"> = {
  kind: DELIVER_NOTIFICATIONS_JOB,
  async run(_job, deps) {
    const round = await deliverDue({
      store: deps.store,
      clock: deps.clock,
      log: deps.log,
      publicUrl: deps.config.publicUrl,
      timeoutMs: deps.config.notifyTimeoutMs,
      giveUpMs: deps.config.notifyGiveUpMs,
      allowPrivate: deps.config.notifyAllowPrivate,
      count: (channel, outcome, n) => deps.metrics.notifications.inc({ channel, outcome }, n),
      github: githubSender(deps.github, deps.store, deps.clock),
    });
    if (round.nextDueAt !== undefined) {
      const now = deps.clock();
      await deps.store.jobs.enqueueJobOnce(
        { kind: DELIVER_NOTIFICATIONS_JOB, payload: {}, runAt: Math.max(round.nextDueAt, now + 1), maxAttempts: 3 },
        now,
      );
    }
  },
};
