/** The upload API's query string for a demo upload (DESIGN.md: commit, branch, pr, run, job, attempt, variant). */
import type { DemoMeta } from "./types.ts";

/** Query parameters for POST /api/v1/projects/:project/reports; `variant` repeats, `pr` only on PRs. */
export function uploadQuery(meta: DemoMeta): URLSearchParams {
  const query = new URLSearchParams({
    commit: meta.commit,
    branch: meta.branch,
    run: meta.run,
    job: meta.job,
    attempt: String(meta.attempt),
    format: "junit",
  });
  if (meta.pr !== null) query.set("pr", meta.pr);
  for (const variant of meta.variant) query.append("variant", variant);
  return query;
}
