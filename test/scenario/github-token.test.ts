// Token mode on every backend: a plain CLI upload with --github-token creates the PR's FlakeGuard
// comment from the run's verdict, edits it in place on the next upload, and sends nothing when unchanged;
// server side, an upload naming a PR to a project linked to a repository is commented with githubToken.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUploadCommand } from "../../src/cli/upload/index.ts";
import { COMMENT_MARKER } from "../../src/github/pr-comment.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { startFakeGitHub, type FakeGitHub } from "../helpers/fake-github.ts";

const SERVER = "http://flakeguard.test";
const REPO = "octo-org/cli-repo";

describe.each(BACKENDS)("GitHub token mode on %s", (backend) => {
  let t: TestApp;
  let gh: FakeGitHub;
  let upload: string;
  const dir = mkdtempSync(join(tmpdir(), "fg-token-mode-"));
  const run = async (report: string, run: string) => {
    writeFileSync(join(dir, "junit.xml"), report);
    // FlakeGuard in process (Hono's fetch), GitHub over the network (the fake).
    const command = createUploadCommand({
      fetch: (input, init) =>
        String(input).startsWith(SERVER)
          ? Promise.resolve(t.app.http.request(String(input).slice(SERVER.length), init))
          : fetch(input, init),
      sleep: async () => undefined,
      random: () => 0,
      now: Date.now,
      requestTimeoutMs: 10_000,
    });
    const out: string[] = [];
    const code = await command.run(
      ["--github-token", "ghp_personalToken123", "--pr", "9", "--run", run, "--commit", `c${run}`, "junit.xml"],
      {
        env: {
          FLAKEGUARD_SERVER: SERVER,
          FLAKEGUARD_TOKEN: upload,
          FLAKEGUARD_PROJECT: "cli",
          GITHUB_REPOSITORY: REPO,
          GITHUB_API_URL: gh.url,
        },
        cwd: dir,
        stdout: (l) => out.push(l),
        stderr: (l) => out.push(l),
        stopSignal: new Promise(() => {}),
      },
    );
    expect(code).toBe(0);
    return out.join("\n");
  };
  const comments = () => (gh.comments.get(REPO) ?? []).filter((c) => c.issue === 9);

  beforeAll(async () => {
    gh = await startFakeGitHub();
    t = await startTestApp(backend, { githubToken: "ghp_serverSideToken", githubApiUrl: gh.url });
    await t.json("POST", "/api/v1/projects", { slug: "cli" });
    upload = (await t.json("POST", "/api/v1/projects/cli/tokens", {})).body.token;
  });
  afterAll(async () => {
    await t?.close();
    await gh?.close();
  });

  it("creates the PR comment, edits it in place, and stays silent when the outcome is unchanged", async () => {
    const first = await run(
      `<testsuite name="s"><testcase classname="s" name="a"><failure message="x">boom</failure></testcase><testcase classname="s" name="b"/></testsuite>`,
      "1",
    );
    expect(first).toContain("PR #9 comment created");
    expect(comments()).toHaveLength(1);
    expect(comments()[0].body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(gh.calls("POST", /\/issues\/9\/comments$/)[0].authorization).toBe("Bearer ghp_personalToken123");

    const second = await run(
      `<testsuite name="s"><testcase classname="s" name="a"/><testcase classname="s" name="b"><failure message="y">bang</failure></testcase></testsuite>`,
      "2",
    );
    expect(second).toContain("PR #9 comment updated");
    expect(comments()).toHaveLength(1);
    expect(comments()[0].body).toContain("s › b");

    const third = await run(
      `<testsuite name="s"><testcase classname="s" name="a"/><testcase classname="s" name="b"><failure message="y">bang</failure></testcase></testsuite>`,
      "3",
    );
    expect(third).toContain("PR #9 comment unchanged");
    expect(gh.calls("PATCH", /\/issues\/comments\/\d+$/)).toHaveLength(1);
    expect(comments()).toHaveLength(1);
  });

  it("server side: an API upload naming a PR, to a project linked to a repository, queues the comment made with githubToken", async () => {
    await t.json("POST", "/api/v1/projects", { slug: "srv" });
    const bad = await t.json("PUT", "/api/v1/projects/srv/github", { repository: "not a repo" });
    expect(bad.status).toBe(400);
    const link = await t.json("PUT", "/api/v1/projects/srv/github", { repository: "octo-org/Server-Repo" });
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    expect(link.body).toEqual({ repository: "octo-org/server-repo", project: "srv", installationId: null });
    const report = `<testsuite name="s"><testcase classname="s" name="z"><failure message="x">boom</failure></testcase></testsuite>`;
    const res = await t.request("/api/v1/projects/srv/reports?pr=12&run=77&commit=abc", {
      method: "POST",
      body: report,
    });
    expect(res.status).toBe(201);
    await t.app.runJobsOnce();
    const posted = gh.calls("POST", /^\/repos\/octo-org\/server-repo\/issues\/12\/comments$/, 201);
    expect(posted).toHaveLength(1);
    expect(posted[0].authorization).toBe("Bearer ghp_serverSideToken");
    expect(posted[0].body.body).toContain("s › z");
    // The same report again is a duplicate: nothing new to say, nothing queued.
    await t.request("/api/v1/projects/srv/reports?pr=12&run=77&commit=abc", { method: "POST", body: report });
    expect(await t.app.runJobsOnce()).toBe(0);
  });
});
