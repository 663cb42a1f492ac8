// The act stage: verdicts of the tests chosen by analysis scored and acted on (saved with the notifications of
// those that changed, quarantine policy applied; act/rescore.ts), the rescore of every test whose verdict the
// reports can change made due or queued, and an API upload's PR comment queued. Those tests are rescored after
// the findings are recorded: their history changed, and a verdict left as scored before that change would
// differ from one scored after it — by how uploads happened to interleave, not by what they said. The others
// (a pass of a clean test: analyze/rescore-set.ts) keep the verdict a rescore would give them.
import { commentOnPullRequest, type UploadMeta } from "../act/comment-on-pr.ts";
import { withoutTests } from "../act/findings.ts";
import { rescoreTests } from "../act/rescore.ts";
import { RESCORE_JOB } from "../model/job.ts";
import type { Project } from "../model/project.ts";
import type { Analysis } from "./analyze.ts";
import { testsOf } from "./store.ts";
import type { PipelineDeps, ReceiveOptions, StoredBatch, UploadOutcome } from "./types.ts";

/**
 * Acts on the analysis of stored reports. Inline, the chosen tests are scored before the answer, then the
 * rescore queued with the reports is made due — that one only: another upload's may still wait for its own
 * analysis. Reports of the queue queue the rescore of their tests, which the worker merges per project.
 */
export async function actOnAnalysis(deps: PipelineDeps, batch: StoredBatch, analysis?: Analysis): Promise<void> {
  if (!analysis) return;
  const { project, reports } = batch;
  let needs = analysis.needs;
  if (analysis.scoreNow) {
    try {
      await rescoreTests(deps.store, project, analysis.scoreNow, analysis.at, deps.publish);
      // Scored under the project's lock from a history holding these reports; where this process is the only
      // writer, every later save of these tests read them too, so the rescore after need not score them again.
      if (needs && deps.store.onlyWriter) needs = withoutTests(needs, analysis.scoreNow);
    } catch {
      // The rescore queued with the reports scores these tests too.
    }
  }
  const now = deps.clock();
  // The rescore queued with the reports names all their tests (so a crash before this point loses none);
  // now it gets the analysis' needs, to leave out the passes of clean tests.
  if (batch.rescoreJob !== undefined) await deps.store.jobs.hurryJob(batch.rescoreJob, now, needs && { ...needs });
  else {
    // Queued reports come in bursts: while more of the project's reports are queued, its rescore waits for
    // them (jobs/rescore.ts); once the last is stored, the waiting rescore is made due now, to run with this one.
    const cause = analysis.cause;
    const payload = {
      projectId: project.id,
      ...(needs ?? { testIds: testsOf(reports.map((r) => r.rows)) }),
      ...(cause ? { cause } : {}),
    };
    await deps.store.jobs.enqueueJob({ kind: RESCORE_JOB, payload }, now);
    if (!(await deps.store.reports.hasQueuedReports(project.id)))
      await deps.store.jobs.hurryJobs(RESCORE_JOB, project.id, now);
  }
  deps.notifyWorker();
}

/** Acts on an upload as a whole: through the API, with a PR and a run named, its PR comment is queued. */
export async function actOnUpload(
  deps: PipelineDeps,
  project: Project,
  meta: UploadMeta,
  outcomes: UploadOutcome[],
  options: ReceiveOptions,
): Promise<void> {
  if (options.prComment) await commentOnPullRequest(deps.store, deps.github, project, meta, outcomes, deps.clock());
}
