import type { JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind that forgets old finished notifications. */
export const PRUNE_OUTBOX_JOB = "prune-outbox" satisfies JobKind;

const DAY = 86_400_000;

/** Deletes sent and failed notifications older than `notifyRetentionDays`: the outbox is a queue, not an archive (the audit log is). */
export const pruneOutboxJob: JobDefinition<"prune-outbox"> = {
  kind: PRUNE_OUTBOX_JOB,
  async run(_job, deps) {
    const days = deps.config.notifyRetentionDays;
    const pruned = await deps.store.outbox.pruneFinished(deps.clock() - days * DAY);
    if (pruned > 0) deps.log.info({ pruned, days }, "old notifications pruned");
  },
};
