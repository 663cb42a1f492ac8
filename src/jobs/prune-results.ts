import type { JobDefinition } from "./registry.ts";

/** The job kind of the daily retention pass. */
export const PRUNE_RESULTS_JOB = "prune-results";

const DAY_MS = 24 * 3600_000;

/** Drops raw reports and per-test results older than retentionDays (0: keeps everything). */
export const pruneResultsJob: JobDefinition = {
  kind: PRUNE_RESULTS_JOB,
  async run(_job, deps) {
    const days = deps.config?.retentionDays ?? 90;
    if (days === 0) return;
    const pruned = await deps.store.retention.pruneRawResults(deps.clock() - days * DAY_MS);
    if (pruned.reports > 0) deps.log?.info({ ...pruned, retentionDays: days }, "raw results pruned");
  },
};
