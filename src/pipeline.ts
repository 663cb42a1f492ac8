/**
 * The pipeline: every uploaded report goes receive → parse → store → analyze → act → announce. Each stage is a
 * function of its own (src/pipeline/, act/); this file only puts them in order, for the two ways a report
 * travels. A small upload, with nothing queued, runs every stage in its request, all its files in one
 * transaction, so a refused file stores nothing. A large one, or one during a burst, is received and stored
 * raw with a `process-report` job; the worker then runs the same stages on batches of queued reports.
 */
import { actOnAnalysis, actOnUpload } from "./pipeline/act.ts";
import { analyzeStored } from "./pipeline/analyze.ts";
import { announce } from "./pipeline/announce.ts";
import { parseQueued, parseUpload } from "./pipeline/parse.ts";
import { goesToQueue, receiveFiles } from "./pipeline/receive.ts";
import { PROCESS_REPORT_JOB, freshReports, queueUpload, storeQueued, storeUpload } from "./pipeline/store.ts";
import type { Pipeline, PipelineDeps, QueuedOutcome } from "./pipeline/types.ts";

export { BURST_BACKLOG_MAX, PROCESS_REPORT_JOB } from "./pipeline/store.ts";
export type {
  Pipeline,
  PipelineDeps,
  QueuedOutcome,
  ReceiveOptions,
  Upload,
  UploadOutcome,
  Uploads,
} from "./pipeline/types.ts";

/** The pipeline, for the HTTP layer, GitHub's artifact ingest and the worker (counted by metrics/ingest.ts). */
export function createPipeline(deps: PipelineDeps): Pipeline {
  let inlineNow = 0; // uploads being processed in their requests now
  const fresh = freshReports();
  return {
    async receive(project, files, meta, format, options = {}) {
      const now = deps.clock();
      const received = await receiveFiles(project, files, meta, format);
      const backlog = await deps.store.jobs.countPendingJobs(PROCESS_REPORT_JOB);
      if (goesToQueue(deps, received, inlineNow, backlog)) {
        // Stored raw with a job each: the worker runs the other stages (processQueued below).
        const outcomes = await queueUpload(deps, project, received, now, backlog, fresh);
        await actOnUpload(deps, project, meta, outcomes, options);
        return outcomes;
      }
      inlineNow++;
      try {
        const rows = await parseUpload(deps, project.id, received);
        const { outcomes, batch } = await storeUpload(deps, project, received, rows, now);
        const analysis = await analyzeStored(deps, batch);
        await actOnAnalysis(deps, batch, analysis);
        await actOnUpload(deps, project, meta, outcomes, options);
        announce(deps, batch);
        return outcomes;
      } finally {
        inlineNow--;
      }
    },

    async processQueued(reportIds) {
      const outcomes = new Map<string, QueuedOutcome>();
      for await (const parsed of parseQueued(deps, reportIds, fresh)) {
        for (const batch of await storeQueued(deps, parsed, outcomes)) {
          const analysis = await analyzeStored(deps, batch);
          await actOnAnalysis(deps, batch, analysis);
          announce(deps, batch);
        }
      }
      return outcomes;
    },
  };
}
