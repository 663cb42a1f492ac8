import { releaseExpired } from "../act/quarantine-expiry.ts";
import type { JobDefinition } from "./registry.ts";

/** The job kind that releases expired quarantines. */
export const RELEASE_QUARANTINE_JOB = "release-quarantine";

/** Releases every expired quarantine and rescores those tests (the policy may quarantine them again). */
export const releaseQuarantineJob: JobDefinition = {
  kind: RELEASE_QUARANTINE_JOB,
  async run(_job, deps) {
    await releaseExpired(deps.store, deps.clock(), deps.publish);
  },
};
