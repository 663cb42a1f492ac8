// Clusters in headless Chromium against the built executable: a history where five tests fail together,
// the project's Clusters tab, the cluster page, quarantining and releasing every member with one reason and
// owner, and the test page naming its cluster.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clusterHistory, MEMBERS } from "../helpers/cluster-history.ts";
import { sandbox, type Sandbox } from "./process.ts";
import { launchBrowser, printedAdminToken, serve, type Served } from "./ui-browser.ts";

describe("clusters in a browser", () => {
  let box: Sandbox;
  let served: Served;
  let admin: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${served.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json", ...init.headers },
    });
  const quarantined = async () =>
    (await (await api("/api/v1/projects/web/quarantine")).json()).tests as {
      suite: string;
      reason: string;
      owner: string;
    }[];

  beforeAll(async () => {
    box = sandbox();
    served = await serve(box);
    admin = printedAdminToken(served.server.output());
    expect(
      (await api("/api/v1/projects", { method: "POST", body: JSON.stringify({ slug: "web", name: "Web" }) })).status,
    ).toBe(201);
    const policy = await api("/api/v1/projects/web/policy", {
      method: "PUT",
      body: JSON.stringify({ autoQuarantine: false }),
    });
    expect(policy.status).toBe(200);
    for (const [n, body] of clusterHistory(80).entries()) {
      const res = await api(`/api/v1/projects/web/reports?commit=c${n}&branch=main&run=r${n}&job=unit`, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body,
      });
      expect(res.status).toBeLessThan(300);
    }
    // Settled: the rescore after the uploads has run, and with it the clusters.
    for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const { counts } = await (await api("/api/v1/projects/web")).json();
      if (counts.pendingReports === 0 && counts.pendingRescores === 0) break;
      if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(counts)}`);
    }
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    if (served) await served.stop();
  });

  it("shows the cluster, and quarantines then releases all its tests with one reason and owner", async () => {
    await page.goto(`${served.url}/`);
    await page.getByLabel("Admin token").fill(admin);
    await page.getByLabel("Admin token").press("Enter");
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.goto(`${served.url}/projects/web?tab=clusters`);
    const link = page.getByRole("link", { name: /^5 tests in 5 suites failed together/ });
    await link.click();
    await page.getByRole("heading", { name: "Cluster" }).waitFor();
    await page.getByText("read ECONNRESET from payments-sandbox").waitFor();
    for (const suite of MEMBERS) await page.getByText(suite).waitFor();

    await page.getByLabel("Reason", { exact: true }).fill("payments sandbox resets connections");
    await page.getByLabel("Owner").fill("team-payments");
    await page.getByRole("button", { name: "Quarantine 5 tests" }).click();
    await page.getByRole("status").getByText("Quarantined 5 tests.").waitFor();
    const held = await quarantined();
    expect(held.map((q) => q.suite).sort()).toEqual([...MEMBERS].sort());
    expect(new Set(held.map((q) => `${q.reason} / ${q.owner}`))).toEqual(
      new Set(["payments sandbox resets connections / team-payments"]),
    );

    await page.getByRole("link", { name: "works" }).first().click();
    await page.getByRole("link", { name: "See the cluster" }).click();
    await page.getByLabel("Reason for release").fill("the sandbox keeps connections now");
    await page.getByRole("button", { name: "Release 5 tests" }).click();
    await page.getByRole("status").getByText("Released 5 tests.").waitFor();
    expect(await quarantined()).toEqual([]);
  });
});
