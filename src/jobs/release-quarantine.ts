import { releaseExpired } from "../act/quarantine-expiry.ts";
import type { JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind that releases expired quarantines. */
export const RELEASE_QUARANTINE_JOB = "release-quarantine" satisfies JobKind;

/** Releases every expired quarantine and rescores those tests (the policy may quarantine them again). */
export const releaseQuarantineJob: JobDefinition<"release-quarantine"> = {
  kind: RELEASE_QUARANTINE_JOB,
  async run(_job, deps) {
    await releaseExpired(deps.store, deps.clock(), deps.publish);
  },
};
