/**
 * Token mode for plain CLI uploads: after the reports are in, the run's verdict is read back from the
 * server and the pull request's FlakeGuard comment is created or edited in place with a personal or
 * installation token. Problems are warnings: a reporting tool never fails the build.
 */
import type { RunVerdict } from "../../act/run-verdict.ts";
import { createGitHubClient } from "../../github/client.ts";
import { renderPrComment, upsertComment } from "../../github/pr-comment.ts";
import type { Env } from "../ci-env/index.ts";
import type { ReadyPlan } from "./options.ts";
import type { SendDeps } from "./send.ts";

/** Where the comment goes and with which token; undefined when token mode is off or facts are missing. */
export interface GitHubCommentTarget {
  token: string;
  repo: string;
  apiUrl: string;
  pr: number;
  run: string;
}

/** --github-token (or FLAKEGUARD_GITHUB_TOKEN) turns it on; the repository and API come from GitHub Actions' variables. */
export function githubCommentTarget(
  flagToken: string | undefined,
  plan: ReadyPlan,
  env: Env,
): GitHubCommentTarget | string | undefined {
  const token = flagToken?.trim() || env.FLAKEGUARD_GITHUB_TOKEN?.trim();
  if (!token) return undefined;
  const repo = env.FLAKEGUARD_GITHUB_REPOSITORY?.trim() || env.GITHUB_REPOSITORY?.trim();
  const { pr, run } = plan.metadata;
  if (!repo || !/^[^/\s]+\/[^/\s]+$/.test(repo))
    return "no repository for the PR comment: set GITHUB_REPOSITORY (owner/name)";
  if (!pr) return "no pull request number for the PR comment (pass --pr)";
  if (!run) return "no CI run id for the PR comment (pass --run)";
  return { token, repo, apiUrl: env.GITHUB_API_URL?.trim() || "https://api.github.com", pr, run };
}

/** Reads the run's verdict from FlakeGuard and upserts the PR comment; returns a line saying what happened. */
export async function commentOnPullRequest(plan: ReadyPlan, t: GitHubCommentTarget, deps: SendDeps): Promise<string> {
  const url = `${plan.server}/api/v1/projects/${encodeURIComponent(plan.project)}/runs/${encodeURIComponent(t.run)}/verdict`;
  const res = await deps.fetch(url, {
    headers: { authorization: `Bearer ${plan.token}` },
    signal: AbortSignal.timeout(deps.requestTimeoutMs),
  });
  if (!res.ok) throw new Error(`the run verdict answered ${res.status}`);
  const verdict = (await res.json()) as RunVerdict;
  const client = createGitHubClient({
    baseUrl: t.apiUrl,
    token: () => t.token,
    clock: deps.now,
    fetch: deps.fetch,
    timeoutMs: deps.requestTimeoutMs,
  });
  const done = await upsertComment(client, t.repo, t.pr, renderPrComment(verdict));
  return `PR #${t.pr} comment ${done.outcome}`;
}
