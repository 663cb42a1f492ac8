import type { CiInfo, Env } from "./common.ts";
import { compact, firstValue, positiveInt } from "./common.ts";

/** Jenkins (git and multibranch plugins): https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables */
export function detectJenkins(env: Env): CiInfo {
  const pr = positiveInt(env.CHANGE_ID);
  return compact({
    provider: "jenkins",
    commit: firstValue(env.GIT_COMMIT),
    // Multibranch PR builds have BRANCH_NAME=PR-42; the source branch is CHANGE_BRANCH. GIT_BRANCH is "origin/main".
    branch: pr ? firstValue(env.CHANGE_BRANCH) : firstValue(env.BRANCH_NAME, env.GIT_BRANCH?.replace(/^origin\//, "")),
    pr,
    // BUILD_NUMBER repeats across jobs; BUILD_TAG (jenkins-<job>-<number>, slashes made dashes) does not.
    run: firstValue(env.BUILD_TAG, env.BUILD_NUMBER),
    job: firstValue(env.JOB_NAME),
    url: firstValue(env.BUILD_URL),
  });
}
