// The GitHub App end to end against a local fake GitHub, on every backend: signed deliveries (401 and
// nothing stored when unsigned), redelivery processed once, installation → projects, workflow_run →
// artifacts downloaded and ingested with the run's metadata, the check run with paged annotations and
// its actions, one PR comment edited in place, zip bombs and ../ paths refused, a 429 honoured and the
// comment delivered once, and issues opened, grouped, closed on release and reopened.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../../src/github/pr-comment.ts";
import { SCHEDULES } from "../../src/jobs/schedules.ts";
import { signBody } from "../../src/github/signature.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { startFakeGitHub, type FakeGitHub } from "../helpers/fake-github.ts";

const SECRET = "It's a Secret to Everybody";
const APP_ID = "1143210";
const REPO = "octo-org/widgets";
const FIXTURES = join(import.meta.dirname, "../fixtures/github");
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as {
    headers: Record<string, string>;
    body: Record<string, unknown>;
  };
const enc = new TextEncoder();

/** A JUnit report: `cases` maps "Suite::name" (or a name in app.Suite) → attempts ("p" pass, "f" fail). */
function junit(cases: Record<string, string>): string {
  const body = Object.entries(cases)
    .map(([key, attempts]) => {
      const [suite, name] = key.includes("::") ? key.split("::") : ["app.Suite", key];
      return [...attempts]
        .map((a) =>
          a === "p"
            ? `<testcase classname="${suite}" name="${name}" time="0.01"/>`
            : `<testcase classname="${suite}" name="${name}" time="0.01"><failure message="${name} broke">at ${name}.js:1</failure></testcase>`,
        )
        .join("");
    })
    .join("\n");
  return `<testsuite name="app">${body}</testsuite>`;
}
const zip = (files: Record<string, string | Uint8Array>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === "string" ? enc.encode(v) : v])), {
    level: 9,
  });
const passing = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`steady${i}`, "p"]));

describe.each(BACKENDS)("GitHub App on %s", (backend) => {
  let t: TestApp;
  let gh: FakeGitHub;
  let now = Date.UTC(2026, 10, 26, 14);
  let deliveries = 0;
  const sha = (n: number) => n.toString(16).padStart(40, "a");

  const deliver = async (
    name: string,
    body: Record<string, unknown>,
    o: { id?: string; signature?: string | null } = {},
  ) => {
    const { headers } = fixture(name);
    const raw = JSON.stringify(body);
    const id = o.id ?? `delivery-${++deliveries}`;
    const h: Record<string, string> = { ...headers, "X-GitHub-Delivery": id };
    const signature = o.signature === undefined ? signBody(SECRET, raw) : o.signature;
    if (signature !== null) h["X-Hub-Signature-256"] = signature;
    const res = await t.request("/api/v1/github/webhook", { method: "POST", token: null, headers: h, body: raw });
    return { status: res.status, body: await res.json(), id };
  };
  const workflowRun = (run: number, head: string, pr: number | null, attempt = 1) => {
    const f = fixture("workflow_run.completed").body as { workflow_run: Record<string, unknown> };
    return {
      ...f,
      workflow_run: {
        ...f.workflow_run,
        id: run,
        head_sha: head,
        run_attempt: attempt,
        html_url: `https://github.com/${REPO}/actions/runs/${run}`,
        pull_requests: pr === null ? [] : [{ number: pr, head: { sha: head } }],
      },
    };
  };
  const pushRun = async (run: number, pr: number | null, cases: Record<string, string>) => {
    now += 3_600_000;
    gh.setArtifacts(REPO, run, {
      "junit-results": zip({
        "flakeguard.json": JSON.stringify({ job: "unit", variant: { os: "linux" } }),
        "reports/unit.xml": junit({ ...passing, ...cases }),
      }),
    });
    const res = await deliver("workflow_run.completed", workflowRun(run, sha(run), pr));
    expect(res.status).toBe(202);
    await t.app.runJobsOnce();
  };
  const project = async () => (await t.app.store.projects.getProject("widgets"))!;
  const comments = (pr: number) => (gh.comments.get(REPO) ?? []).filter((c) => c.issue === pr);
  const testId = async (name: string) =>
    (
      (await t.json("GET", `/api/v1/projects/widgets/tests?limit=100&q=${name}`)).body.tests as {
        id: string;
        name: string;
      }[]
    ).find((x) => x.name === name)!.id;

  beforeAll(async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    gh = await startFakeGitHub({
      appPublicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
      appId: APP_ID,
    });
    const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    t = await startTestApp(
      backend,
      { githubAppId: APP_ID, githubPrivateKey: pem, githubWebhookSecret: SECRET, githubApiUrl: gh.url },
      { clock: () => now },
    );
  });
  afterAll(async () => {
    await t?.close();
    await gh?.close();
  });

  it("refuses a missing or wrong signature with 401 and stores nothing", async () => {
    const body = fixture("installation.created").body;
    const missing = await deliver("installation.created", body, { id: "unsigned", signature: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("bad_signature");
    const wrong = await deliver("installation.created", body, {
      id: "forged",
      signature: signBody("not the secret", JSON.stringify(body)),
    });
    expect(wrong.status).toBe(401);
    const garbage = await deliver("installation.created", body, { id: "garbage", signature: "sha256=zz" });
    expect(garbage.status).toBe(401);
    for (const id of ["unsigned", "forged", "garbage"])
      expect(await t.app.store.github.getDelivery(id)).toBeUndefined();
    // Events and actions we do not act on are acknowledged and not stored either.
    const created = await deliver(
      "check_run.requested_action",
      { ...fixture("check_run.requested_action").body, action: "created" },
      { id: "other-action" },
    );
    expect(created).toMatchObject({ status: 202, body: { status: "ignored" } });
    expect(await t.app.store.github.getDelivery("other-action")).toBeUndefined();
    expect(await t.app.store.jobs.countPendingJobs()).toBe(0);
    expect(await t.app.store.projects.getProject("widgets")).toBeUndefined();
  });

  it("maps an installation's repositories to projects, and processes a redelivery once", async () => {
    const f = fixture("installation.created");
    const first = await deliver("installation.created", f.body, { id: f.headers["X-GitHub-Delivery"] });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: "queued" });
    const again = await deliver("installation.created", f.body, { id: f.headers["X-GitHub-Delivery"] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "duplicate" });
    expect(await t.app.runJobsOnce()).toBe(1);
    const widgets = await project();
    expect(widgets).toMatchObject({ slug: "widgets", name: REPO });
    expect(await t.app.store.github.getRepository(REPO)).toMatchObject({
      installationId: "61234567",
      projectId: widgets.id,
    });
    const docs = await t.app.store.projects.getProject("docs.site");
    expect((await t.app.store.github.getRepository("octo-org/Docs.Site"))?.projectId).toBe(docs!.id);
    expect(
      (await t.app.store.events.listEvents(widgets.id)).filter((e) => e.kind === "github.repository.linked"),
    ).toHaveLength(1);
    expect((await t.app.store.github.getDelivery(f.headers["X-GitHub-Delivery"]))?.processedAt).not.toBeNull();
  });

  it("ingests a workflow_run's report artifacts with its metadata, posts the check run with paged annotations, a PR comment and an issue for the flaky test", async () => {
    // Quarantine by hand only, so the check run's action below is what quarantines "flapper": every run
    // rescores it, and the default policy would have quarantined it on its own by then.
    expect((await t.json("PUT", "/api/v1/projects/widgets/policy", { autoQuarantine: false })).status).toBe(200);
    const broken = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`breaks${i}`, "f"]));
    gh.setArtifacts(REPO, 101, {
      "junit-results": zip({
        "flakeguard.json": JSON.stringify({ job: "unit", variant: { os: "linux", node: "22" } }),
        "reports/unit.xml": junit({ ...passing, ...broken, flapper: "fp" }),
        "screenshot.png": new Uint8Array([1, 2, 3]),
      }),
      coverage: zip({ "lcov.json": "{}" }),
    });
    now += 3_600_000;
    const first = await deliver("workflow_run.completed", workflowRun(101, sha(101), 7));
    expect(first.status).toBe(202);
    await t.app.runJobsOnce();
    // GitHub's "Redeliver" sends the same delivery id: answered, not processed again.
    const again = await deliver("workflow_run.completed", workflowRun(101, sha(101), 7), { id: first.id });
    expect(again).toMatchObject({ status: 200, body: { status: "duplicate" } });
    expect(await t.app.runJobsOnce()).toBe(0);
    expect(gh.calls("GET", /\/actions\/runs\/101\/artifacts$/)).toHaveLength(1);

    const verdict = await t.json("GET", "/api/v1/projects/widgets/runs/101/verdict");
    expect(verdict.status).toBe(200);
    expect(verdict.body.reports).toHaveLength(1);
    expect(verdict.body.summary).toMatchObject({ "new-failure": 60, "known-flaky": 1 });
    const report = await t.json("GET", `/api/v1/projects/widgets/reports/${verdict.body.reports[0].id}`);
    expect(report.body).toMatchObject({
      commit: sha(101),
      branch: "feature/retry-login",
      pr: "7",
      run: "101",
      job: "unit",
      attempt: 1,
      variant: { os: "linux", node: "22" },
      filename: "junit-results/reports/unit.xml",
    });
    expect(gh.calls("GET", /\/actions\/artifacts\/\d+\/zip$/)).toHaveLength(1); // "coverage" does not match the patterns
    expect(gh.requests.filter((r) => r.path.startsWith("/_blobs/")).every((r) => r.authorization === undefined)).toBe(
      true,
    );
    expect(gh.tokensIssued).toBe(1); // one installation token, reused by every request

    expect(gh.checkRuns).toHaveLength(1);
    const check = gh.checkRuns[0];
    expect(check).toMatchObject({ name: "FlakeGuard", head_sha: sha(101), external_id: "101", conclusion: "failure" });
    expect(check.annotations).toHaveLength(60);
    const posts = gh.calls("POST", /\/check-runs$/);
    expect(posts[0].body.output.annotations).toHaveLength(50);
    expect(gh.calls("PATCH", /\/check-runs\/\d+$/).map((r) => r.body.output.annotations.length)).toEqual([10]);
    expect(check.actions.map((a) => (a as { identifier: string }).identifier)).toEqual([
      "quarantine",
      "rerun",
      "open-issue",
    ]);
    expect(check.output.title).toBe("60 new failures; 1 flaky, 0 quarantined");
    expect(check.output.summary).toContain("…and 11 more");

    expect(comments(7)).toHaveLength(1);
    expect(comments(7)[0].body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comments(7)[0].body).toContain("60 new failures");

    const issues = gh.issues.get(REPO)!;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      title: "Flaky test: app.Suite › flapper",
      labels: ["flakeguard", "flaky-test"],
      state: "open",
    });
  });

  it("edits the one PR comment in place across pushes and says nothing when nothing changed", async () => {
    await pushRun(102, 7, { flapper: "fp", newbreak: "f" });
    expect(comments(7)).toHaveLength(1);
    expect(comments(7)[0].body).toContain("1 new failure");
    expect(comments(7)[0].body).not.toContain("breaks0");
    const edits = gh.calls("PATCH", /\/issues\/comments\/\d+$/).length;
    expect(edits).toBe(1);
    await pushRun(103, 7, { flapper: "fp", newbreak: "f" });
    expect(gh.calls("PATCH", /\/issues\/comments\/\d+$/)).toHaveLength(edits); // same outcome: silent
    expect(gh.calls("POST", /\/issues\/7\/comments$/)).toHaveLength(1);
    expect(comments(7)).toHaveLength(1);
    expect(gh.checkRuns.map((c) => c.head_sha)).toEqual([sha(101), sha(102), sha(103)]); // one check run per commit
  });

  it("refuses a zip bomb and a ../ path, artifact by artifact, and still ingests the good one", async () => {
    now += 3_600_000;
    gh.setArtifacts(REPO, 104, {
      "bomb-test-results": zip({ "huge.xml": new Uint8Array(16 * 1024 * 1024) }), // ~16 KiB zipped: 1000×
      "evil-junit": zip({ "../../etc/cron.d/evil.xml": junit({ evil: "p" }) }),
      "good-junit": zip({ "unit.xml": junit({ ...passing, flapper: "p" }) }),
    });
    expect((await deliver("workflow_run.completed", workflowRun(104, sha(104), null))).status).toBe(202);
    await t.app.runJobsOnce();
    const refused = (await t.app.store.events.listEvents((await project()).id)).filter(
      (e) => e.kind === "github.artifact.refused",
    );
    expect(refused.map((e) => e.data.what).sort()).toEqual(["artifact 'bomb-test-results'", "artifact 'evil-junit'"]);
    expect(refused.find((e) => e.data.what === "artifact 'bomb-test-results'")!.data.reason).toMatch(/zip bomb/);
    expect(refused.find((e) => e.data.what === "artifact 'evil-junit'")!.data.reason).toMatch(/'\.\.' segment/);
    const verdict = await t.json("GET", "/api/v1/projects/widgets/runs/104/verdict");
    expect(verdict.body.reports).toHaveLength(1);
    expect((await t.json("GET", "/api/v1/projects/widgets/tests?q=evil")).body.tests).toHaveLength(0);
    const check = gh.checkRuns.find((c) => c.external_id === "104")!;
    expect(check.output.summary).toContain("artifact 'evil-junit' was refused");
  });

  it("waits out a 429's Retry-After and then delivers the comment once", async () => {
    gh.fail({ method: "POST", path: /\/issues\/8\/comments$/, status: 429, retryAfter: 120 });
    await pushRun(105, 8, { flapper: "fp", newbreak: "f" });
    expect(gh.calls("POST", /\/issues\/8\/comments$/, 429)).toHaveLength(1);
    expect(comments(8)).toHaveLength(0);
    expect(await t.app.runJobsOnce()).toBe(0); // not before the wait GitHub asked for
    now += 121_000;
    expect(await t.app.runJobsOnce()).toBe(1);
    expect(comments(8)).toHaveLength(1);
    expect(gh.calls("POST", /\/issues\/8\/comments$/, 201)).toHaveLength(1);
    expect(await t.app.runJobsOnce()).toBe(0);
    // It went through the outbox: one row for the comment, sent on its second attempt, under the project's github integration.
    const rows = await t.app.store.outbox.listDeliveries((await project()).id, { limit: 200 });
    const comment = rows.filter(
      (r) => r.channel === "github" && (r.payload.github as { what: string; pr?: number }).pr === 8,
    );
    expect(comment).toEqual([expect.objectContaining({ status: "sent", attempts: 2, eventType: "github.publish" })]);
    expect((await t.app.store.integrations.listIntegrations((await project()).id)).map((i) => i.kind)).toEqual([
      "github",
    ]);
    const metrics = await (await t.request("/metrics")).text();
    expect(metrics).toContain('flakeguard_notifications_total{channel="github",outcome="retried"} 1');
    expect(metrics).toMatch(/flakeguard_notifications_total\{channel="github",outcome="sent"\} \d+/);
  });

  it("waits for the primary rate limit's reset (403, x-ratelimit-remaining: 0) before creating the check run, once", async () => {
    gh.fail({ method: "POST", path: /\/check-runs$/, status: 403, resetAt: Math.floor(now / 1000) + 3600 + 300 });
    await pushRun(109, null, { flapper: "fp" });
    expect(gh.calls("POST", /\/check-runs$/, 403)).toHaveLength(1);
    expect(gh.checkRuns.filter((c) => c.external_id === "109")).toHaveLength(0);
    now += 200_000;
    await t.app.runJobsOnce();
    expect(gh.calls("POST", /\/check-runs$/, 403)).toHaveLength(1); // nothing sent before the reset
    now += 101_000;
    await t.app.runJobsOnce();
    expect(gh.checkRuns.filter((c) => c.external_id === "109")).toHaveLength(1);
  });

  it("performs the check run's actions: quarantine the flaky failures, re-run the failed jobs", async () => {
    const f = fixture("check_run.requested_action").body as Record<string, Record<string, unknown>>;
    const action = (identifier: string) => ({
      ...f,
      check_run: { ...f.check_run, head_sha: sha(103), external_id: "103" },
      requested_action: { identifier },
    });
    const before = gh.calls("PATCH", /\/check-runs\/\d+$/).length;
    expect((await deliver("check_run.requested_action", action("quarantine"))).status).toBe(202);
    await t.app.runJobsOnce();
    const list = (await t.json("GET", "/api/v1/projects/widgets/quarantine")).body.tests as {
      name: string;
      decidedBy: string;
      owner: string;
    }[];
    expect(list).toEqual([
      expect.objectContaining({ name: "flapper", decidedBy: "github:monalisa", owner: "monalisa" }),
    ]);
    const refreshed = gh.calls("PATCH", /\/check-runs\/\d+$/).slice(before);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0].body.output.summary).toContain("quarantined");
    expect(refreshed[0].body.actions.map((a: { identifier: string }) => a.identifier)).not.toContain("quarantine");

    expect((await deliver("check_run.requested_action", action("rerun"))).status).toBe(202);
    await t.app.runJobsOnce();
    expect(gh.calls("POST", /\/actions\/runs\/103\/rerun-failed-jobs$/, 201)).toHaveLength(1);

    // "Re-run" on the check run in GitHub's UI publishes it again, in place.
    const patches = gh.calls("PATCH", /\/check-runs\/\d+$/).length;
    expect((await deliver("check_run.requested_action", { ...action("rerun"), action: "rerequested" })).status).toBe(
      202,
    );
    await t.app.runJobsOnce();
    expect(gh.calls("PATCH", /\/check-runs\/\d+$/)).toHaveLength(patches + 1);
    expect(gh.checkRuns.filter((c) => c.external_id === "103")).toHaveLength(1);
  });

  it("closes a flaky test's issue when it is released, reopens it when it flakes again, and groups a suite's tests", async () => {
    const id = await testId("flapper");
    const issue = gh.issues.get(REPO)!.find((i) => i.title.includes("flapper"))!;
    await pushRun(106, null, {});
    expect(issue.state).toBe("open"); // still quarantined
    expect(
      (await t.request(`/api/v1/projects/widgets/quarantine/${id}?reason=fixed`, { method: "DELETE" })).status,
    ).toBe(200);
    // The scheduled sync closes it without waiting for another CI run.
    const sync = async () => {
      now += 15 * 60_000;
      for (const job of await SCHEDULES.find((s) => s.name === "github-issues")!.jobs(t.app.store, now))
        await t.app.store.jobs.enqueueJob(job, now);
      return t.app.runJobsOnce();
    };
    expect(await sync()).toBe(2); // the sync, then the delivery of its outbox event
    expect(issue).toMatchObject({ state: "closed", state_reason: "completed" });
    const edits = gh.calls("PATCH", /\/issues\/\d+$/).length;
    expect(await sync()).toBe(1); // nothing open any more: nothing queued
    expect(gh.calls("PATCH", /\/issues\/\d+$/)).toHaveLength(edits);

    await pushRun(107, null, { flapper: "fp" });
    expect(issue.state).toBe("open");
    expect(gh.issues.get(REPO)!.filter((i) => i.title.includes("flapper"))).toHaveLength(1);

    await pushRun(108, null, { "app.Cart::addsItem": "fp", "app.Cart::removesItem": "fp", "app.Cart::totals": "fp" });
    const cart = gh.issues.get(REPO)!.filter((i) => i.title.includes("app.Cart"));
    expect(cart).toHaveLength(1);
    expect(cart[0].title).toBe("3 flaky tests in app.Cart");
    expect(cart[0].body).toContain("removesItem");
  });

  it("links a repository of an installation it never heard of (its event was missed) and says when a run has no reports", async () => {
    now += 3_600_000;
    const body = workflowRun(201, sha(201), null) as Record<string, unknown> & {
      workflow_run: Record<string, unknown>;
    };
    const repository = {
      ...(body.repository as Record<string, unknown>),
      name: "gadgets",
      full_name: "octo-org/gadgets",
    };
    expect(
      (await deliver("workflow_run.completed", { ...body, repository, installation: { id: 70000001 } })).status,
    ).toBe(202);
    await t.app.runJobsOnce();
    const gadgets = await t.app.store.projects.getProject("gadgets");
    expect(await t.app.store.github.getRepository("octo-org/gadgets")).toMatchObject({
      installationId: "70000001",
      projectId: gadgets!.id,
    });
    const check = gh.checkRuns.find((c) => c.external_id === "201")!;
    expect(check).toMatchObject({ conclusion: "neutral", output: { title: "No test reports found" } });
    expect(check.output.summary).toContain("no test report was found");
  });
});
