import { PROCESS_REPORT_JOB } from "../pipeline.ts";
import type { JobDefinition } from "./registry.ts";

/** Parses and stores a report that was queued because it was too large to process in the request. */
export const processReportJob: JobDefinition = {
  kind: PROCESS_REPORT_JOB,
  async run(job, deps) {
    await deps.uploads.processQueued(String(job.payload.reportId));
  },
};
