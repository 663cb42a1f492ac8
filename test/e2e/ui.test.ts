// The web UI in headless Chromium against the built executable: first-run setup to the first report
// arriving live; finding a flaky test in seeded history, quarantining it, seeing it in the list,
// releasing it; the run page; signing out; signing in with a user and password.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { run, sandbox, type Sandbox } from "./process.ts";
import { launchBrowser, printedAdminToken, serve, watchPage, type Served } from "./ui-browser.ts";

const JUNIT = `<testsuite name="checkout"><testcase classname="checkout.Cart" name="adds an item"/>
<testcase classname="checkout.Cart" name="removes an item"><failure message="expected 0, got 1">at Cart.remove</failure></testcase></testsuite>`;

describe("web UI in a browser", () => {
  let box: Sandbox;
  let served: Served;
  let admin: string;
  let browser: Browser;
  let page: Page;
  // Uncaught errors, console errors and CSP violations in the page fail the test they happen in.
  const pageErrors: string[] = [];
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${served.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json", ...init.headers },
    });

  beforeAll(async () => {
    box = sandbox();
    served = await serve(box);
    admin = printedAdminToken(served.server.output());
    browser = await launchBrowser();
    page = await browser.newPage();
    await watchPage(page, pageErrors);
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    // (closing the browser ends its event streams, so the server stops at once)
    if (served) await served.stop();
  });

  async function signInWithToken(): Promise<void> {
    await page.goto(`${served.url}/`);
    await page.getByLabel("Admin token").fill(admin);
    await page.getByLabel("Admin token").press("Enter");
  }

  it("serves hashed assets for a year and index.html revalidated; client routes fall back to index.html", async () => {
    const index = await fetch(`${served.url}/projects/anything/tests/x`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const script = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${served.url}${script}`);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    // Nothing is fetched from elsewhere: no CDN, no web fonts.
    expect(html).not.toMatch(/https?:\/\//);
    expect(await asset.text()).not.toMatch(/fonts\.googleapis|cdn\.jsdelivr|unpkg\.com/);
  });

  it("sends the security headers on the UI, its assets, the API and errors; the browser enforces the policy", async () => {
    const html = await (await fetch(`${served.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1];
    for (const path of ["/", script, style, "/api/v1/projects", "/api/v1/nope", "/livez"]) {
      const res = await fetch(`${served.url}${path}`);
      const csp = res.headers.get("content-security-policy");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(res.headers.get("strict-transport-security"), "no HSTS over plain HTTP").toBeNull();
    }
    const proxied = await fetch(`${served.url}/`, { headers: { "x-forwarded-proto": "https" } });
    expect(proxied.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    // An injected inline script does not run, and the watcher sees the violation (so it can fail a test).
    await page.goto(`${served.url}/`);
    await page.locator("#app *").first().waitFor();
    const ran = await page.evaluate(async () => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => pageErrors.join("\n")).toMatch(/CSP violation: script-src/);
    pageErrors.splice(0);
  });

  it("first run: signs in with the admin token, creates a project and upload token, shows CI snippets, then the first report arriving live", async () => {
    await signInWithToken();
    await expect.poll(() => page.url()).toMatch(/\/setup$/);
    await page.getByLabel("Project slug").fill("web");
    await page.getByLabel("Display name (optional)").fill("Web app");
    await page.getByRole("button", { name: "Create project and upload token" }).click();
    await page.getByRole("heading", { name: "Web app is ready" }).waitFor();
    for (const label of ["GitHub Actions", "GitLab CI", "Any CI with Node.js", "Command line"]) {
      await expect.poll(() => page.getByLabel(label, { exact: true }).textContent()).toContain(served.url);
    }
    const token = (await page.getByLabel("Upload token", { exact: true }).textContent())!.trim();
    expect(token).toMatch(/^fgu_/);
    expect(await page.getByLabel("Command line", { exact: true }).textContent()).toContain(served.url);
    await page.getByText("Waiting for the first report").waitFor();
    // Subscribed to the event stream (not polling): the report below arrives as a server-sent event.
    await page.locator("html[data-live=sse]").waitFor({ state: "attached" });

    const upload = await fetch(`${served.url}/api/v1/projects/web/reports?commit=abc123&branch=main&run=1`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/xml" },
      body: JUNIT,
    });
    expect(upload.status).toBeLessThan(300);
    await page.getByText("First report received").waitFor();
    await page.getByRole("link", { name: "Open Web app" }).click();
    await page.getByRole("heading", { name: "Web app" }).waitFor();
  });

  it("finds a flaky test in seeded history, quarantines it, sees it in the list, releases it", async () => {
    // Seed a CI history with known flaky tests (the server is stopped so only one process writes). The
    // page leaves first: an open event stream would hold the server's shutdown for its grace period.
    await page.goto("about:blank");
    await served.stop();
    const seeded = await run(box, ["seed", "--demo", "--tests", "40", "--commits", "30"]);
    expect(seeded.code, seeded.output).toBe(0);
    served = await serve(box);

    const flaky = (await (await api("/api/v1/projects/demo/tests?status=flaky&limit=500")).json()).tests as {
      id: string;
      name: string;
    }[];
    const quarantined = new Set(
      ((await (await api("/api/v1/projects/demo/quarantine")).json()).tests as { testId: string }[]).map(
        (q) => q.testId,
      ),
    );
    const target = flaky.find((t) => !quarantined.has(t.id));
    expect(target, "the demo history has a flaky test that is not quarantined").toBeDefined();

    await page.goto(`${served.url}/`);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("link", { name: /^Demo/ }).click();
    await page.getByRole("table").waitFor();
    await page.getByLabel("Search").fill(target!.name);
    await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe(target!.name);
    await page.getByRole("link", { name: target!.name, exact: true }).click();
    await page.getByRole("heading", { name: target!.name }).waitFor();
    await page.getByRole("heading", { name: "History" }).waitFor();
    expect(await page.locator(".strip .cell").count()).toBeGreaterThan(5);

    await page.getByLabel("Reason").fill("flaky: races the cache warm-up");
    await page.getByLabel("Owner").fill("team-checkout");
    await page.getByRole("button", { name: "Quarantine", exact: true }).click();
    await page.getByRole("button", { name: "Release" }).waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Quarantine" }).click();
    const row = page.getByRole("row").filter({ hasText: target!.name });
    await row.getByText("team-checkout").waitFor();
    await row.getByText("flaky: races the cache warm-up").waitFor();
    await page.getByLabel(`Select ${target!.name}`).check();
    await page.getByRole("button", { name: "Release selected (1)" }).click();
    await expect.poll(() => row.count()).toBe(0);
    const after = (await (await api("/api/v1/projects/demo/quarantine")).json()).tests as { testId: string }[];
    expect(after.map((q) => q.testId)).not.toContain(target!.id);
  });

  it("updates the quarantine list live when a test is quarantined elsewhere", async () => {
    const tests = (await (await api("/api/v1/projects/demo/tests?status=flaky&limit=500")).json()).tests as {
      id: string;
      name: string;
    }[];
    const active = new Set(
      ((await (await api("/api/v1/projects/demo/quarantine")).json()).tests as { testId: string }[]).map(
        (q) => q.testId,
      ),
    );
    const other = tests.find((t) => !active.has(t.id))!;
    await page.goto(`${served.url}/projects/demo/quarantine`);
    await page.getByRole("table").waitFor();
    await page.locator("html[data-live=sse]").waitFor({ state: "attached" });
    const row = page.getByRole("row").filter({ hasText: other.name });
    expect(await row.count()).toBe(0);
    const added = await api("/api/v1/projects/demo/quarantine", {
      method: "POST",
      body: JSON.stringify({ testId: other.id, reason: "quarantined from the CLI", owner: "ops" }),
    });
    expect(added.status).toBe(201);
    await row.getByText("quarantined from the CLI").waitFor();
  });

  it("shows a run's failures with their verdicts", async () => {
    const tests = (await (await api("/api/v1/projects/demo/tests?status=flaky&limit=1")).json()).tests as {
      id: string;
    }[];
    const detail = await (await api(`/api/v1/projects/demo/tests/${tests[0].id}`)).json();
    const failedRun = (detail.history as { run: string; outcome: string }[]).find((o) => o.outcome === "failed")!.run;
    await page.goto(`${served.url}/projects/demo/runs/${encodeURIComponent(failedRun)}`);
    await page.getByRole("heading", { name: `Run ${failedRun}` }).waitFor();
    expect(await page.locator("tbody .badge").count()).toBeGreaterThan(0);
  });

  it("fits a 320 px wide screen without sideways scrolling, and switches to the dark theme", async () => {
    const flaky = (await (await api("/api/v1/projects/demo/tests?status=flaky&limit=1")).json()).tests as {
      id: string;
    }[];
    await page.setViewportSize({ width: 320, height: 640 });
    try {
      for (const path of [
        "/",
        "/projects/demo",
        `/projects/demo/tests/${flaky[0].id}`,
        "/projects/demo/quarantine",
        "/settings/tokens",
      ]) {
        await page.goto(`${served.url}${path}`);
        await page.locator("main h1").waitFor();
        await page.getByText("Loading…").waitFor({ state: "detached" });
        if (path === "/") await page.locator(".uplot").waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(320);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.getByLabel("Theme").selectOption("dark");
    await page.locator("html[data-theme=dark]").waitFor({ state: "attached" });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(18, 20, 23)");
    await page.reload();
    await page.locator("html[data-theme=dark]").waitFor({ state: "attached" });
    await page.getByLabel("Theme").selectOption("system");
  });

  it("shows every settings tab without an error, and the server's version and database in About", async () => {
    for (const tab of ["tokens", "users", "sessions", "integrations", "deliveries", "backups", "about"]) {
      await page.goto(`${served.url}/settings/${tab}`);
      await page.getByRole("heading", { name: "Settings" }).waitFor();
      await page.getByText("Loading…").waitFor({ state: "detached" });
      expect(await page.getByRole("alert").count(), tab).toBe(0);
    }
    await page.getByText("Database backend").waitFor();
    await page.getByText("sqlite", { exact: true }).waitFor();
  });

  it("signs out, and the session is gone after a reload", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to FlakeGuard" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to FlakeGuard" }).waitFor();
  });

  it("signs in with a user name and password", async (ctx) => {
    const created = await api("/api/v1/users", {
      method: "POST",
      body: JSON.stringify({ name: "ada", password: "correct horse battery", role: "member" }),
    });
    if (created.status === 404) ctx.skip();
    expect(created.status).toBe(201);
    await page.goto(`${served.url}/`);
    await page.getByLabel("User and password").check();
    await page.getByLabel("User name").fill("ada");
    await page.getByLabel("Password", { exact: true }).fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("wrong user name or password").waitFor();
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByText("ada (member)").waitFor();
  });
});
