// `npm run screenshots`: pictures of the main pages for docs/screenshots/, taken in headless Chromium
// from the built executable with a seeded demo history (overview, project, test, run, quarantine,
// settings, the overview in dark theme, and the project page at 320 px).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { run, sandbox } from "../e2e/process.ts";
import { launchBrowser, printedAdminToken, serve } from "../e2e/ui-browser.ts";

const OUT = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));
mkdirSync(OUT, { recursive: true });

const box = sandbox();
const seeded = await run(box, ["seed", "--demo", "--tests", "120", "--commits", "60"]);
if (seeded.code !== 0) throw new Error(seeded.output);
const served = await serve(box);
const admin = printedAdminToken(served.server.output());
const api = async <T>(path: string, init: RequestInit = {}): Promise<T> =>
  (
    await fetch(`${served.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    })
  ).json() as Promise<T>;

// The demo history is dated in the past; the browser's clock is set to just after its last report so
// "3 h ago" reads as it would on a live server.
const runs = await api<{
  runs: { run: string | null; startedAt: string; lastReportAt: string | null; failed: number }[];
}>("/api/v1/projects/demo/runs?limit=50");
const lastAt = Date.parse(runs.runs[0].lastReportAt ?? runs.runs[0].startedAt) + 2 * 3600_000;
const flaky = await api<{ tests: { id: string; name: string }[] }>(
  "/api/v1/projects/demo/tests?status=flaky&limit=100",
);
const quarantined = new Set(
  (await api<{ tests: { testId: string }[] }>("/api/v1/projects/demo/quarantine")).tests.map((t) => t.testId),
);
const free = flaky.tests.find((t) => !quarantined.has(t.id)) ?? flaky.tests[0];
if (!quarantined.has(free.id)) {
  await api("/api/v1/projects/demo/quarantine", {
    method: "POST",
    body: JSON.stringify({ testId: free.id, reason: "flaky: races the cache warm-up", owner: "team-checkout" }),
  });
}
const failedRun = runs.runs.find((r) => r.run && r.failed > 0)?.run ?? runs.runs[0].run!;

const browser = await launchBrowser();
async function shoot(page: Page, path: string, name: string, ready: (p: Page) => Promise<unknown>): Promise<void> {
  await page.goto(`${served.url}${path}`);
  await ready(page);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
  console.log(`docs/screenshots/${name}.png`);
}
try {
  // The settings show tokens made just now: that pass keeps the real clock.
  for (const scheme of ["light", "dark", "real clock"] as const) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      colorScheme: scheme === "dark" ? "dark" : "light",
    });
    const page = await context.newPage();
    if (scheme !== "real clock") await page.clock.setFixedTime(lastAt);
    await page.goto(`${served.url}/`);
    await page.getByLabel("Admin token").fill(admin);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    const heading = (name: string | RegExp) => (p: Page) => p.getByRole("heading", { name }).first().waitFor();
    if (scheme === "real clock") {
      await shoot(page, "/settings/tokens", "settings", async (p) => p.getByRole("table").waitFor());
    } else if (scheme === "dark") {
      await shoot(page, "/", "overview-dark", async (p) => p.locator(".uplot").waitFor());
      await shoot(page, `/projects/demo/tests/${free.id}`, "test-dark", heading("History"));
    } else {
      await shoot(page, "/", "overview", async (p) => p.locator(".uplot").waitFor());
      await shoot(page, "/projects/demo", "project", async (p) => p.getByRole("table").waitFor());
      await shoot(page, `/projects/demo/tests/${free.id}`, "test", heading("History"));
      await shoot(page, `/projects/demo/runs/${encodeURIComponent(failedRun)}`, "run", heading(`Run ${failedRun}`));
      await shoot(page, "/projects/demo/quarantine", "quarantine", async (p) => p.getByRole("table").waitFor());
      await page.setViewportSize({ width: 320, height: 700 });
      await shoot(page, "/projects/demo", "project-320px", async (p) => p.getByRole("table").waitFor());
    }
    await context.close();
  }
} finally {
  await browser.close();
  await served.stop();
}
