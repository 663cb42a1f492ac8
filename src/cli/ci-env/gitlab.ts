import type { CiInfo, Env } from "./common.ts";
import { compact, firstValue, positiveInt } from "./common.ts";

/** GitLab CI: https://docs.gitlab.com/ci/variables/predefined_variables/ */
export function detectGitLabCi(env: Env): CiInfo {
  const isTag = Boolean(firstValue(env.CI_COMMIT_TAG));
  return compact({
    provider: "gitlab-ci",
    // In merged-results pipelines CI_COMMIT_SHA is the merge result; the source branch head is the pushed commit.
    commit: firstValue(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA, env.CI_COMMIT_SHA),
    branch: firstValue(
      env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME,
      env.CI_COMMIT_BRANCH,
      isTag ? undefined : env.CI_COMMIT_REF_NAME,
    ),
    pr: positiveInt(env.CI_MERGE_REQUEST_IID),
    run: firstValue(env.CI_PIPELINE_ID),
    job: firstValue(env.CI_JOB_NAME),
    // GitLab exposes no retry counter: a retried job is a new job with a new CI_JOB_ID.
    attempt: undefined,
    url: firstValue(env.CI_JOB_URL, env.CI_PIPELINE_URL),
  });
}
