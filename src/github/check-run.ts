/** The "FlakeGuard" check run on a run's head commit: per-failure verdicts, annotations for new failures, and actions. */
import type { ClassifiedFailure, RunVerdict } from "../act/run-verdict.ts";
import type { GitHubStore } from "../store/github.ts";
import type { GitHubClient } from "./client.ts";
import { failureTable, testLabel } from "./markdown.ts";

/** The check's name on GitHub. */
export const CHECK_NAME = "FlakeGuard";
/** GitHub takes at most 50 annotations per request; more are sent by further updates. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** The buttons on the check run; `check_run.requested_action` brings their identifier back. */
export const CHECK_ACTIONS = {
  quarantine: { label: "Quarantine flaky", description: "Quarantine the flaky failures", identifier: "quarantine" },
  rerun: { label: "Re-run failed jobs", description: "Re-run this run's failed jobs", identifier: "rerun" },
  issue: { label: "Open issue", description: "Open issues for these failures", identifier: "open-issue" },
} as const;

/** One annotation as the Checks API takes it. */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

/** What the check run says. */
export interface CheckRunOutput {
  conclusion: "success" | "failure" | "neutral";
  title: string;
  summary: string;
  annotations: Annotation[];
  actions: { label: string; description: string; identifier: string }[];
}

/** The check run's content for a run's verdict (`notes`: artifacts refused and the like). */
export function renderCheckRun(v: RunVerdict, notes: string[] = []): CheckRunOutput {
  const s = v.summary;
  const total = v.failures.length;
  // No report at all is not a pass: the tests may not have run, or their artifacts are not named as expected.
  const conclusion = v.blocking > 0 ? "failure" : s.incident > 0 || v.reports.length === 0 ? "neutral" : "success";
  const title =
    v.reports.length === 0
      ? "No test reports found"
      : total === 0
        ? "No failures"
        : v.blocking > 0
          ? `${v.blocking} new failure${v.blocking === 1 ? "" : "s"}; ${s["known-flaky"]} flaky, ${s.quarantined} quarantined`
          : `${total} failure${total === 1 ? "" : "s"}, none blocking: ${s["known-flaky"]} flaky, ${s.quarantined} quarantined, ${s.incident} in incidents`;
  const summary = [
    `**${title}** across ${v.reports.length} report${v.reports.length === 1 ? "" : "s"} of run ${v.run}.`,
    total > 0 ? "\n" + failureTable(v.failures) : "",
    ...notes.map((n) => `\n> ⚠️ ${n}`),
  ].join("\n");
  const annotations = v.failures.filter((f) => f.class === "new-failure").map(annotation);
  const flaky = v.failures.some((f) => f.class === "known-flaky");
  const actions = [
    ...(flaky ? [CHECK_ACTIONS.quarantine] : []),
    ...(total > 0 ? [CHECK_ACTIONS.rerun, CHECK_ACTIONS.issue] : []),
  ];
  return { conclusion, title, summary: summary.slice(0, 65_000), annotations, actions };
}

function annotation(f: ClassifiedFailure): Annotation {
  return {
    path: f.file || f.suite.replace(/\./g, "/") || "unknown",
    start_line: 1,
    end_line: 1,
    annotation_level: "failure",
    title: testLabel(f).slice(0, 255),
    message: (f.message ?? "failed").slice(0, 4000) + (f.job ? `\n(job ${f.job})` : ""),
  };
}

/**
 * Creates the check run for (head SHA, CI run) or updates the one already there: the stored id first,
 * else the one GitHub has with our external_id (a retry after a lost answer must not make a second),
 * then sends annotations 50 per request (on creation only: GitHub appends them on every update).
 */
export async function publishCheckRun(
  client: GitHubClient,
  store: GitHubStore,
  repo: string,
  headSha: string,
  run: string,
  out: CheckRunOutput,
  now: number,
): Promise<string> {
  const key = `${headSha}:${run}`;
  const output = (annotations: Annotation[]) => ({ title: out.title, summary: out.summary, annotations });
  const pages: Annotation[][] = [];
  for (let i = 0; i < out.annotations.length; i += ANNOTATIONS_PER_REQUEST)
    pages.push(out.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const first = {
    name: CHECK_NAME,
    head_sha: headSha,
    external_id: run,
    status: "completed",
    conclusion: out.conclusion,
    completed_at: new Date(now).toISOString(),
    output: output(pages[0] ?? []),
    actions: out.actions,
  };
  const existing =
    (await store.getObject(repo, "check_run", key))?.number ?? (await findCheckRun(client, repo, headSha, run));
  if (existing) {
    // GitHub appends annotations on every update: a check run that has them gets only its text refreshed.
    await client.request("PATCH", `/repos/${repo}/check-runs/${existing}`, { ...first, output: output([]) });
    await store.saveObject(
      { repo, kind: "check_run", key, number: existing, state: out.conclusion, bodyHash: null, data: { run, headSha } },
      now,
    );
    return existing;
  }
  const id = String((await client.request<{ id: number }>("POST", `/repos/${repo}/check-runs`, first)).data.id);
  await store.saveObject(
    { repo, kind: "check_run", key, number: id, state: out.conclusion, bodyHash: null, data: { run, headSha } },
    now,
  );
  for (const page of pages.slice(1))
    await client.request("PATCH", `/repos/${repo}/check-runs/${id}`, { output: output(page) });
  return id;
}

async function findCheckRun(
  client: GitHubClient,
  repo: string,
  headSha: string,
  run: string,
): Promise<string | undefined> {
  const runs = await client.paginate<{ id: number; external_id: string | null }>(
    `/repos/${repo}/commits/${headSha}/check-runs?check_name=${encodeURIComponent(CHECK_NAME)}`,
    (p) => (p as { check_runs: never[] }).check_runs ?? [],
  );
  const found = runs.find((r) => r.external_id === run);
  return found ? String(found.id) : undefined;
}
