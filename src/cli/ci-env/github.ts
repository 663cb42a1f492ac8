import type { CiInfo, Env, ReadTextFile } from "./common.ts";
import { branchFromRef, compact, firstValue, positiveInt } from "./common.ts";

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);

/** The part of a `pull_request` event payload we read; everything else in it is ignored. */
interface PullRequestEvent {
  number?: number;
  pull_request?: { number?: number; head?: { sha?: string; ref?: string } };
}

/** GitHub Actions: https://docs.github.com/actions/reference/variables-reference */
export function detectGitHubActions(env: Env, readFile: ReadTextFile): CiInfo {
  const run = firstValue(env.GITHUB_RUN_ID);
  const attempt = positiveInt(env.GITHUB_RUN_ATTEMPT);
  const repositoryUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : undefined;
  const url =
    repositoryUrl && run ? `${repositoryUrl}/actions/runs/${run}${attempt ? `/attempts/${attempt}` : ""}` : undefined;
  const common = { provider: "github-actions" as const, run, job: firstValue(env.GITHUB_JOB), attempt, url };

  if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "")) {
    return compact({ ...common, commit: firstValue(env.GITHUB_SHA), branch: branchFromRef(env.GITHUB_REF) });
  }
  // On pull requests GITHUB_SHA is a merge commit GitHub made up (or the base branch head for
  // pull_request_target); the commit the author pushed and the branch it is on are only in the payload.
  const event = readPullRequestEvent(env.GITHUB_EVENT_PATH, readFile);
  return compact({
    ...common,
    commit: firstValue(event?.pull_request?.head?.sha, env.GITHUB_SHA),
    branch: firstValue(event?.pull_request?.head?.ref, env.GITHUB_HEAD_REF),
    pr: positiveInt(event?.pull_request?.number) ?? positiveInt(event?.number) ?? prFromMergeRef(env.GITHUB_REF),
  });
}

function readPullRequestEvent(path: string | undefined, readFile: ReadTextFile): PullRequestEvent | undefined {
  if (!path) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFile(path));
    return typeof parsed === "object" && parsed !== null ? (parsed as PullRequestEvent) : undefined;
  } catch {
    return undefined; // an unreadable payload degrades to the plain variables rather than failing the upload
  }
}

/** `refs/pull/42/merge` → 42. */
function prFromMergeRef(ref: string | undefined): number | undefined {
  const match = /^refs\/pull\/(\d+)\//.exec(ref ?? "");
  return match ? positiveInt(match[1]) : undefined;
}
