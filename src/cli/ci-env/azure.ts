import type { CiInfo, Env } from "./common.ts";
import { branchFromRef, compact, firstValue, positiveInt } from "./common.ts";

/** Azure Pipelines: https://learn.microsoft.com/azure/devops/pipelines/build/variables */
export function detectAzurePipelines(env: Env): CiInfo {
  const buildId = firstValue(env.BUILD_BUILDID);
  const collection = firstValue(env.SYSTEM_COLLECTIONURI);
  const teamProject = firstValue(env.SYSTEM_TEAMPROJECT);
  const pr = positiveInt(env.SYSTEM_PULLREQUEST_PULLREQUESTNUMBER) ?? positiveInt(env.SYSTEM_PULLREQUEST_PULLREQUESTID);
  return compact({
    provider: "azure-pipelines",
    // PR builds check out a merge commit (BUILD_SOURCEVERSION); the pushed head is the PR's source commit.
    commit: firstValue(pr ? env.SYSTEM_PULLREQUEST_SOURCECOMMITID : undefined, env.BUILD_SOURCEVERSION),
    // BUILD_SOURCEBRANCHNAME keeps only the last path segment ("feature/x" → "x"), so read the full refs.
    branch: pr ? branchFromRef(env.SYSTEM_PULLREQUEST_SOURCEBRANCH) : branchFromRef(env.BUILD_SOURCEBRANCH),
    pr,
    run: buildId,
    job: firstValue(env.SYSTEM_JOBDISPLAYNAME, env.AGENT_JOBNAME, env.SYSTEM_JOBNAME),
    attempt: positiveInt(env.SYSTEM_JOBATTEMPT),
    url:
      collection && teamProject && buildId
        ? `${collection.replace(/\/?$/, "/")}${encodeURIComponent(teamProject)}/_build/results?buildId=${buildId}`
        : undefined,
  });
}
