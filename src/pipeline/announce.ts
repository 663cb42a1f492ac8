import { publishNothing } from "../model/live.ts";
import type { PipelineDeps, StoredBatch } from "./types.ts";

/** The announce stage: tells live subscribers which reports were processed (after analysis, so what they read is current). */
export function announce(deps: PipelineDeps, { project, reports }: StoredBatch): void {
  const publish = deps.publish ?? publishNothing;
  for (const r of reports) {
    publish("report.processed", project.id, {
      project: project.slug,
      reportId: r.id,
      run: r.run,
      job: r.job,
      commit: r.commit,
      counts: r.rows.counts,
    });
  }
}
