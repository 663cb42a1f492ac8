import type { CiInfo, Env } from "./common.ts";
import { compact, firstValue, positiveInt } from "./common.ts";

/** Buildkite: https://buildkite.com/docs/pipelines/configure/environment-variables */
export function detectBuildkite(env: Env): CiInfo {
  const retryCount = positiveInt(env.BUILDKITE_RETRY_COUNT) ?? 0;
  const buildUrl = firstValue(env.BUILDKITE_BUILD_URL);
  const jobId = firstValue(env.BUILDKITE_JOB_ID);
  return compact({
    provider: "buildkite",
    // Builds started without a commit carry the literal "HEAD", which names nothing.
    commit: env.BUILDKITE_COMMIT === "HEAD" ? undefined : firstValue(env.BUILDKITE_COMMIT),
    branch: firstValue(env.BUILDKITE_BRANCH),
    pr: positiveInt(env.BUILDKITE_PULL_REQUEST), // "false" when the build is not for a PR
    run: firstValue(env.BUILDKITE_BUILD_ID),
    job: firstValue(env.BUILDKITE_LABEL, env.BUILDKITE_STEP_KEY),
    // The retry count starts at 0 for the first run of a job; attempts start at 1.
    attempt: retryCount + 1,
    url: buildUrl && jobId ? `${buildUrl}#${jobId}` : buildUrl,
  });
}
