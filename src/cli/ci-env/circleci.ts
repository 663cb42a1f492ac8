import type { CiInfo, Env } from "./common.ts";
import { compact, firstValue, positiveInt } from "./common.ts";

/** CircleCI: https://circleci.com/docs/reference/variables/ */
export function detectCircleCi(env: Env): CiInfo {
  return compact({
    provider: "circleci",
    commit: firstValue(env.CIRCLE_SHA1),
    branch: firstValue(env.CIRCLE_BRANCH),
    // CIRCLE_PR_NUMBER is only set for forked PRs; CIRCLE_PULL_REQUEST is the PR's URL otherwise.
    pr: positiveInt(env.CIRCLE_PR_NUMBER) ?? prFromUrl(env.CIRCLE_PULL_REQUEST),
    // A workflow is the unit a "run" maps to; "rerun failed jobs" starts a new workflow id.
    run: firstValue(env.CIRCLE_WORKFLOW_ID),
    job: firstValue(env.CIRCLE_JOB),
    url: firstValue(env.CIRCLE_BUILD_URL),
  });
}

/** `https://github.com/acme/web/pull/42` → 42 (GitHub and Bitbucket both end in /<number>). */
function prFromUrl(url: string | undefined): number | undefined {
  const match = /\/(\d+)\/?$/.exec(url ?? "");
  return match ? positiveInt(match[1]) : undefined;
}
