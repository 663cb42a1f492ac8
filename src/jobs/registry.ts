import type { Job } from "../model/job.ts";
import type { Uploads } from "../pipeline.ts";
import type { Store } from "../store/index.ts";
import { processReportJob } from "./process-report.ts";
import { rescoreJob } from "./rescore.ts";
import { releaseQuarantineJob } from "./release-quarantine.ts";

/** What a job handler may use. */
export interface JobDeps {
  uploads: Uploads;
  store: Store;
  clock: () => number;
}

/** A kind of job: its name and what running one does. A job is one file plus one line below. */
export interface JobDefinition {
  kind: string;
  run(job: Job, deps: JobDeps): Promise<void>;
}

/** Every job kind, by name. */
export const JOBS: ReadonlyMap<string, JobDefinition> = new Map(
  [processReportJob, rescoreJob, releaseQuarantineJob].map((j) => [j.kind, j]),
);
