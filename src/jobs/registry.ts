import type { Job } from "../model/job.ts";
import type { Uploads } from "../pipeline.ts";
import { processReportJob } from "./process-report.ts";

/** What a job handler may use. */
export interface JobDeps {
  uploads: Uploads;
}

/** A kind of job: its name and what running one does. A job is one file plus one line below. */
export interface JobDefinition {
  kind: string;
  run(job: Job, deps: JobDeps): Promise<void>;
}

/** Every job kind, by name. */
export const JOBS: ReadonlyMap<string, JobDefinition> = new Map(
  [processReportJob].map((j) => [j.kind, j]),
);
