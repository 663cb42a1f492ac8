import type { JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind of the daily clean-up of ended sign-in sessions. */
export const PRUNE_SESSIONS_JOB = "prune-sessions" satisfies JobKind;

/** Ended sessions are kept this long (a revoked cookie still answers 401 the same way without its row). */
const KEEP_ENDED_MS = 24 * 3600_000;

/** Deletes sessions that expired or were revoked more than a day ago, so the table stays the size of the live ones. */
export const pruneSessionsJob: JobDefinition<"prune-sessions"> = {
  kind: PRUNE_SESSIONS_JOB,
  async run(_job, deps) {
    const deleted = await deps.store.sessions.deleteEndedSessions(deps.clock() - KEEP_ENDED_MS);
    if (deleted > 0) deps.log.info({ deleted }, "ended sessions deleted");
  },
};
