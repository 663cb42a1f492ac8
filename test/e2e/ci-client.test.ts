// The CI side from a runner's point of view: a bare environment with only Node.js (the system's, not the
// project's) and curl fetches the light client from the running executable and reports through it; the
// GitHub Action's step and the GitLab template's lines do the same with their CI systems' variables.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS } from "../helpers/corpus.ts";
import { actionSteps, GITHUB_BASH, GITLAB_SH, gitlabLines, runShell } from "./ci-steps.ts";
import { freePort, sandbox, start, stop, waitReady, type Running, type Sandbox } from "./process.ts";

const HEAD_SHA = "4f2c9e1d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e";
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

describe("the CI side against the executable", () => {
  let box: Sandbox;
  let server: Running;
  let url: string;
  let admin: string;
  let token: string;
  const api = (path: string, init: RequestInit = {}, auth = admin) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${auth}`, ...init.headers } });
  /** The report ids a command printed. */
  const reportIds = (output: string) => [
    ...new Set([...output.matchAll(/report ([0-9a-f]{8}-[0-9a-f-]{27})/g)].map((m) => m[1])),
  ];
  const report = async (id: string) => (await api(`/api/v1/projects/web/reports/${id}`, {}, token)).json();

  /** A checkout with one JUnit report in reports/, as a test step leaves it; only PATH, HOME and LANG set. */
  const runner = () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-runner-"));
    mkdirSync(join(dir, "reports/unit"), { recursive: true });
    copyFileSync(join(CORPUS, "junit/retries/flaky_with_classname_file.xml"), join(dir, "reports/unit/junit.xml"));
    const temp = mkdtempSync(join(tmpdir(), "fg-runner-temp-"));
    return { dir, temp, base: { PATH: "/usr/bin:/bin", HOME: temp, LANG: "C.UTF-8" } };
  };

  /** GitHub Actions' variables for a pull_request run (payload file included), a push, or a re-run of either. */
  const github = (dir: string, event: "pull_request" | "push", attempt = 1) => {
    const payload = join(dir, "event.json");
    writeFileSync(
      payload,
      JSON.stringify({ number: 42, pull_request: { number: 42, head: { sha: HEAD_SHA, ref: "fix/flaky-login" } } }),
    );
    return {
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: payload,
      GITHUB_SHA: event === "push" ? HEAD_SHA : "0000000000000000000000000000000000000042",
      GITHUB_REF: event === "push" ? "refs/heads/main" : "refs/pull/42/merge",
      GITHUB_REF_NAME: event === "push" ? "main" : "42/merge",
      GITHUB_HEAD_REF: event === "push" ? "" : "fix/flaky-login",
      GITHUB_RUN_ID: "9001",
      GITHUB_RUN_ATTEMPT: String(attempt),
      GITHUB_JOB: "unit-tests",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "acme/web",
    };
  };

  beforeAll(async () => {
    box = sandbox();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = start(box, ["serve", "--port", String(port)]);
    await waitReady(server, port);
    admin = /fga_[A-Za-z0-9_-]+/.exec(server.output())![0];
    const created = await api("/api/v1/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"slug":"web"}',
    });
    expect(created.status).toBe(201);
    token = (await (await api("/api/v1/projects/web/tokens", { method: "POST" })).json()).token;
  });
  afterAll(async () => {
    if (server) await stop(server);
  });

  describe("GET /cli/flakeguard.js", () => {
    it("serves one JavaScript file of at most 1 MB without a token, revalidated by a version ETag", async () => {
      const res = await fetch(`${url}/cli/flakeguard.js`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect(res.headers.get("cache-control")).toContain("no-cache");
      const etag = res.headers.get("etag")!;
      expect(etag).toMatch(new RegExp(`^"${VERSION.replace(/\./g, "\\.")}-`));
      const body = new Uint8Array(await res.arrayBuffer());
      expect(body.byteLength).toBeLessThanOrEqual(1024 * 1024);
      expect(new TextDecoder().decode(body.subarray(0, 20))).toMatch(/^#!\/usr\/bin\/env node/);
      const again = await fetch(`${url}/cli/flakeguard.js`, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
    });
  });

  describe("the light client (curl + node, nothing installed)", () => {
    it("uploads with the commit, branch, PR, run, job and attempt of a GitHub pull request", async () => {
      const { dir, base } = runner();
      const env = {
        ...base,
        ...github(dir, "pull_request", 3),
        FLAKEGUARD_SERVER: url,
        FLAKEGUARD_TOKEN: token,
        FLAKEGUARD_PROJECT: "web",
      };
      const script = `curl -fsSL "$FLAKEGUARD_SERVER/cli/flakeguard.js" -o flakeguard.js
node flakeguard.js upload --fail-on-error --variant os=linux 'reports/**/*.xml'`;
      const started = performance.now();
      const { code, output } = await runShell(["sh", "-e"], script, dir, env);
      const seconds = (performance.now() - started) / 1000;
      expect(code, output).toBe(0);
      console.log(
        `light client: fetch + upload of one report in ${seconds.toFixed(2)} s (node ${execFileSync("/usr/bin/node", ["--version"]).toString().trim()})`,
      );
      const [id] = reportIds(output);
      expect(await report(id)).toMatchObject({
        state: "processed",
        commit: HEAD_SHA,
        branch: "fix/flaky-login",
        pr: "42",
        run: "9001",
        job: "unit-tests",
        attempt: 3,
        variant: { os: "linux" },
      });
    });

    it("refuses a server of an incompatible version: a warning and exit 0, or 1 with --fail-on-error", async () => {
      const { dir, base } = runner();
      const served = await (await fetch(`${url}/cli/flakeguard.js`)).text();
      // A client kept from another major version (a cache, a committed copy).
      const old = served.replace(`version:"${VERSION}"`, 'version:"97.0.0"');
      expect(old).not.toBe(served);
      writeFileSync(join(dir, "flakeguard.js"), old);
      const env = {
        ...base,
        ...github(dir, "push"),
        FLAKEGUARD_SERVER: url,
        FLAKEGUARD_TOKEN: token,
        FLAKEGUARD_PROJECT: "web",
      };
      const lenient = await runShell(["sh"], "node flakeguard.js upload 'reports/**/*.xml'", dir, env);
      expect(lenient.code, lenient.output).toBe(0);
      expect(lenient.output).toContain(`does not work with the server's version ${VERSION}`);
      expect(lenient.output).toContain(`curl -fsSL "${url}/cli/flakeguard.js"`);
      expect(reportIds(lenient.output)).toEqual([]);
      const strict = await runShell(["sh"], "node flakeguard.js upload --fail-on-error 'reports/**/*.xml'", dir, env);
      expect(strict.code, strict.output).toBe(1);
      // run still runs the tests and keeps their exit code.
      const wrapped = await runShell(["sh"], "node flakeguard.js run -- sh -c 'echo tests-ran; exit 7'", dir, env);
      expect(wrapped.code, wrapped.output).toBe(7);
      expect(wrapped.output).toContain("tests-ran");
    });
  });

  describe("action.yml", () => {
    const runAction = async (inputs: Record<string, string>, event: "pull_request" | "push", attempt = 1) => {
      const { dir, temp, base } = runner();
      const [step] = actionSteps({ server: url, token, project: "web", ...inputs });
      const env = { ...base, ...github(dir, event, attempt), RUNNER_TEMP: temp, ...step.env };
      return { dir, ...(await runShell(GITHUB_BASH, step.run, dir, env)) };
    };

    it("uploads a pull request's reports with its head commit, branch and number", async () => {
      const { code, output } = await runAction(
        { reports: "reports/**/*.xml", variant: "os=linux\nnode=20" },
        "pull_request",
      );
      expect(code, output).toBe(0);
      const [id] = reportIds(output);
      expect(await report(id)).toMatchObject({
        commit: HEAD_SHA,
        branch: "fix/flaky-login",
        pr: "42",
        run: "9001",
        job: "unit-tests",
        attempt: 1,
        variant: { os: "linux", node: "20" },
      });
    });

    it("uploads a push to main, and a re-run as its next attempt", async () => {
      const push = await runAction({ reports: "reports/**/*.xml" }, "push");
      expect(push.code, push.output).toBe(0);
      expect(await report(reportIds(push.output)[0])).toMatchObject({
        commit: HEAD_SHA,
        branch: "main",
        pr: null,
        attempt: 1,
      });
      const rerun = await runAction({ reports: "reports/**/*.xml" }, "push", 2);
      expect(rerun.code, rerun.output).toBe(0);
      expect(await report(reportIds(rerun.output)[0])).toMatchObject({ run: "9001", attempt: 2 });
    });

    it("wraps a test command: its failure fails the step, and its report is uploaded", async () => {
      const test = "cp reports/unit/junit.xml reports/unit/junit-run.xml && touch reports/unit/junit-run.xml && exit 3";
      const { code, output } = await runAction({ run: test, reports: "reports/**/junit-run.xml" }, "push");
      expect(output).toContain("flakeguard run:");
      expect(output).toContain("flakeguard run: uploaded reports/unit/junit-run.xml");
      // The report has no failing test, so the command's own code stands.
      expect(code, output).toBe(3);
    });

    it("never fails the job without a token (a fork's pull request) or a reachable server", async () => {
      const noToken = await runAction({ token: "", reports: "reports/**/*.xml" }, "pull_request");
      expect(noToken.code, noToken.output).toBe(0);
      expect(noToken.output).toMatch(/no token/);
      const down = await runAction({ server: "http://127.0.0.1:9", reports: "reports/**/*.xml" }, "push");
      expect(down.code, down.output).toBe(0);
      expect(down.output).toContain("::warning title=FlakeGuard::cannot fetch the FlakeGuard client");
      const strict = await runAction({ server: "http://127.0.0.1:9", reports: "x", "fail-on-error": "true" }, "push");
      expect(strict.code).toBe(1);
      const tests = await runAction({ server: "http://127.0.0.1:9", run: "echo ran; exit 5" }, "push");
      expect(tests.output).toContain("ran");
      expect(tests.code).toBe(5);
    });
  });

  describe("the GitLab CI template", () => {
    const gitlab = (dir: string) => ({
      GITLAB_CI: "true",
      CI: "true",
      CI_PROJECT_DIR: dir,
      CI_COMMIT_SHA: "1111111111111111111111111111111111111111",
      CI_COMMIT_REF_NAME: "fix/flaky-login",
      CI_MERGE_REQUEST_IID: "17",
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "fix/flaky-login",
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD_SHA,
      CI_PIPELINE_ID: "5150",
      CI_PIPELINE_URL: "https://gitlab.example.com/acme/web/-/pipelines/5150",
      CI_JOB_NAME: "test",
    });

    it("uploads in after_script with the merge request's commit, branch, pipeline and job", async () => {
      const { dir, base } = runner();
      const env = {
        ...base,
        ...gitlab(dir),
        FLAKEGUARD_SERVER: url,
        FLAKEGUARD_TOKEN: token,
        FLAKEGUARD_PROJECT: "web",
        FLAKEGUARD_REPORTS: "reports/**/*.xml",
        FLAKEGUARD_VARIANT: "os=linux",
        FLAKEGUARD_FAIL_ON_ERROR: "true",
      };
      const { code, output } = await runShell(
        GITLAB_SH,
        gitlabLines(".flakeguard-upload", "after_script").join("\n"),
        dir,
        env,
      );
      expect(code, output).toBe(0);
      expect(await report(reportIds(output)[0])).toMatchObject({
        commit: HEAD_SHA,
        branch: "fix/flaky-login",
        pr: "17",
        run: "5150",
        job: "test",
        variant: { os: "linux" },
      });
    });

    it("runs the tests through the client, and runs them anyway when the server is away", async () => {
      const { dir, base } = runner();
      const test = "cp reports/unit/junit.xml reports/unit/junit-run.xml && echo tests-ran && exit 4";
      const env = {
        ...base,
        ...gitlab(dir),
        FLAKEGUARD_TOKEN: token,
        FLAKEGUARD_PROJECT: "web",
        FLAKEGUARD_RUN: test,
        FLAKEGUARD_REPORTS: "reports/**/junit-run.xml",
      };
      const lines = gitlabLines(".flakeguard-run", "script").join("\n");
      const up = await runShell(GITLAB_SH, lines, dir, { ...env, FLAKEGUARD_SERVER: url });
      expect(up.code, up.output).toBe(4);
      expect(up.output).toContain("flakeguard run: uploaded reports/unit/junit-run.xml");
      const away = await runShell(GITLAB_SH, lines, dir, { ...env, FLAKEGUARD_SERVER: "http://127.0.0.1:9" });
      expect(away.output).toContain("tests-ran");
      expect(away.code, away.output).toBe(4);
    });
  });
});
