import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { detectCiEnv } from "./index.ts";
import type { Env } from "./index.ts";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/ci/", import.meta.url));
const fixture = (name: string): string => readFileSync(fixtures + name, "utf8");
const envFixture = (name: string): Env => JSON.parse(fixture(name)) as Env;
const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

describe("detectCiEnv", () => {
  describe("GitHub Actions", () => {
    const prEnv = envFixture("github-pull_request.env.json");
    const readEvent = (path: string): string => {
      expect(path).toBe(prEnv.GITHUB_EVENT_PATH);
      return fixture("github-pull_request.event.json");
    };

    it("takes the head commit and branch of a pull_request from the event payload, not the merge commit", () => {
      expect(detectCiEnv(prEnv, readEvent)).toEqual({
        provider: "github-actions",
        commit: "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e",
        branch: "feature/login-retry",
        pr: 42,
        run: "9876543210",
        job: "test",
        attempt: 2,
        url: "https://github.com/acme/web/actions/runs/9876543210/attempts/2",
      });
    });

    it("reads the payload on pull_request_target too", () => {
      const info = detectCiEnv({ ...prEnv, GITHUB_EVENT_NAME: "pull_request_target" }, readEvent);
      expect(info.commit).toBe("9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e");
      expect(info.pr).toBe(42);
    });

    it("falls back to the plain variables when the payload cannot be read", () => {
      const info = detectCiEnv(prEnv, noFiles);
      expect(info).toMatchObject({ commit: prEnv.GITHUB_SHA, branch: "feature/login-retry", pr: 42 });
    });

    it("uses GITHUB_SHA and the pushed branch on push", () => {
      expect(detectCiEnv(envFixture("github-push.env.json"), noFiles)).toEqual({
        provider: "github-actions",
        commit: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f",
        branch: "release/2.4",
        run: "9876500001",
        job: "test",
        attempt: 1,
        url: "https://github.com/acme/web/actions/runs/9876500001/attempts/1",
      });
    });

    it("reports no branch for a tag push", () => {
      const env = { ...envFixture("github-push.env.json"), GITHUB_REF: "refs/tags/v2.4.0", GITHUB_REF_TYPE: "tag" };
      expect(detectCiEnv(env, noFiles).branch).toBeUndefined();
    });
  });

  describe("GitLab CI", () => {
    it("prefers the source branch head over the merged-results commit in merge request pipelines", () => {
      expect(detectCiEnv(envFixture("gitlab-merge_request.env.json"), noFiles)).toEqual({
        provider: "gitlab-ci",
        commit: "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e",
        branch: "feature/login-retry",
        pr: 17,
        run: "1203344",
        job: "test: [linux, 20]",
        url: "https://gitlab.example.com/acme/web/-/jobs/55667788",
      });
    });

    it("reads a branch pipeline", () => {
      expect(detectCiEnv(envFixture("gitlab-branch.env.json"), noFiles)).toEqual({
        provider: "gitlab-ci",
        commit: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f",
        branch: "main",
        run: "1203300",
        job: "unit",
        url: "https://gitlab.example.com/acme/web/-/jobs/55667700",
      });
    });

    it("reports no branch for a tag pipeline", () => {
      const env = { GITLAB_CI: "true", CI_COMMIT_SHA: "abc", CI_COMMIT_TAG: "v1.0.0", CI_COMMIT_REF_NAME: "v1.0.0" };
      expect(detectCiEnv(env, noFiles).branch).toBeUndefined();
    });
  });

  it("reads CircleCI, taking the PR number from the PR URL", () => {
    expect(detectCiEnv(envFixture("circleci.env.json"), noFiles)).toEqual({
      provider: "circleci",
      commit: "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e",
      branch: "feature/login-retry",
      pr: 42,
      run: "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b",
      job: "test-node-20",
      url: "https://circleci.com/gh/acme/web/4521",
    });
  });

  describe("Buildkite", () => {
    it("turns BUILDKITE_RETRY_COUNT into a 1-based attempt", () => {
      expect(detectCiEnv(envFixture("buildkite.env.json"), noFiles)).toEqual({
        provider: "buildkite",
        commit: "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e",
        branch: "feature/login-retry",
        pr: 42,
        run: "0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b",
        job: ":jest: Unit tests",
        attempt: 3,
        url: "https://buildkite.com/acme/web/builds/1514#0190a1b2-ffff-4e5f-8a6b-000000000001",
      });
    });

    it("treats a first run, a non-PR build and a HEAD commit as what they are", () => {
      const env = {
        ...envFixture("buildkite.env.json"),
        BUILDKITE_RETRY_COUNT: "0",
        BUILDKITE_PULL_REQUEST: "false",
        BUILDKITE_COMMIT: "HEAD",
      };
      const info = detectCiEnv(env, noFiles);
      expect(info.attempt).toBe(1);
      expect(info.pr).toBeUndefined();
      expect(info.commit).toBeUndefined();
    });
  });

  describe("Jenkins", () => {
    it("reads a multibranch PR build", () => {
      expect(detectCiEnv(envFixture("jenkins-multibranch-pr.env.json"), noFiles)).toEqual({
        provider: "jenkins",
        commit: "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e",
        branch: "feature/login-retry",
        pr: 42,
        run: "jenkins-web-PR-42-87",
        job: "web/PR-42",
        url: "https://jenkins.example.com/job/web/job/PR-42/87/",
      });
    });

    it("strips the remote from GIT_BRANCH in a freestyle job", () => {
      expect(detectCiEnv(envFixture("jenkins-freestyle.env.json"), noFiles)).toMatchObject({
        provider: "jenkins",
        branch: "main",
        run: "jenkins-web-nightly-512",
        job: "web-nightly",
      });
    });
  });

  describe("Azure Pipelines", () => {
    it("takes the PR source commit and full source branch, and SYSTEM_JOBATTEMPT", () => {
      expect(detectCiEnv(envFixture("azure-pipelines-pr.env.json"), noFiles)).toEqual({
        provider: "azure-pipelines",
        commit: "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e",
        branch: "feature/login-retry",
        pr: 42,
        run: "20431",
        job: "Test Linux",
        attempt: 3,
        url: "https://dev.azure.com/acme/Web%20Platform/_build/results?buildId=20431",
      });
    });

    it("keeps slashes in a branch name, which BUILD_SOURCEBRANCHNAME drops", () => {
      expect(detectCiEnv(envFixture("azure-pipelines-branch.env.json"), noFiles)).toMatchObject({
        commit: "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f",
        branch: "release/2.4",
        attempt: 1,
      });
    });
  });

  it("detects nothing outside CI", () => {
    expect(detectCiEnv({ HOME: "/home/dev", PATH: "/usr/bin", CI: "true" }, noFiles)).toEqual({ provider: "none" });
  });
});
