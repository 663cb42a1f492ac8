import type { CiInfo, Env, ReadTextFile } from "./common.ts";
import { detectAzurePipelines } from "./azure.ts";
import { detectBuildkite } from "./buildkite.ts";
import { detectCircleCi } from "./circleci.ts";
import { detectGitHubActions } from "./github.ts";
import { detectGitLabCi } from "./gitlab.ts";
import { detectJenkins } from "./jenkins.ts";

export type { CiInfo, CiProvider, Env, ReadTextFile } from "./common.ts";

/** Human names for the output line, e.g. "detected GitHub Actions". */
export const CI_PROVIDER_NAMES: Record<CiInfo["provider"], string> = {
  "github-actions": "GitHub Actions",
  "gitlab-ci": "GitLab CI",
  circleci: "CircleCI",
  buildkite: "Buildkite",
  jenkins: "Jenkins",
  "azure-pipelines": "Azure Pipelines",
  none: "no CI",
};

/**
 * Reads the commit, branch, PR, run, job, attempt and run URL a CI job exposes. Pure: the environment
 * and a file reader (for GitHub's event payload) are passed in. Jenkins is checked last because the
 * other agents can run on a Jenkins host and inherit JENKINS_URL.
 */
export function detectCiEnv(env: Env, readFile: ReadTextFile): CiInfo {
  if (env.GITHUB_ACTIONS === "true") return detectGitHubActions(env, readFile);
  if (env.GITLAB_CI === "true") return detectGitLabCi(env);
  if (env.CIRCLECI === "true") return detectCircleCi(env);
  if (env.BUILDKITE === "true") return detectBuildkite(env);
  if (env.TF_BUILD?.toLowerCase() === "true") return detectAzurePipelines(env);
  if (env.JENKINS_URL || env.JENKINS_HOME) return detectJenkins(env);
  return { provider: "none" };
}
