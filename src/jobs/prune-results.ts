import { RESCORE_JOB, type JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind of the daily retention pass. */
export const PRUNE_RESULTS_JOB = "prune-results" satisfies JobKind;

const DAY_MS = 24 * 3600_000;

/**
 * Drops raw reports and per-test results older than retentionDays (0: keeps everything), and queues a full
 * rescore of each project it pruned, with the prune: its verdicts change with the shorter history, and are
 * counted pending (pendingRescores) from the commit on.
 */
export const pruneResultsJob: JobDefinition<"prune-results"> = {
  kind: PRUNE_RESULTS_JOB,
  async run(_job, deps) {
    const days = deps.config.retentionDays;
    if (days === 0) return;
    const now = deps.clock();
    const pruned = await deps.store.retention.pruneRawResults(now - days * DAY_MS, async (orm, projectIds) => {
      for (const projectId of projectIds)
        await deps.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload: { projectId, cause: "retention" } }, now, orm);
    });
    if (pruned.reports > 0) deps.log.info({ ...pruned, retentionDays: days }, "raw results pruned");
  },
};
