// Headless Chromium (Debian's package) driven by playwright-core, for the UI's browser tests and the
// screenshot script; and a served sandbox with the admin token it printed.
import { chromium, type Browser, type Page } from "playwright-core";
import { freePort, start, stop, waitReady, type Running, type Sandbox } from "./process.ts";

/** The browser: Debian's chromium, never a downloaded one. */
export const CHROMIUM = "/usr/bin/chromium";

/** Launches headless Chromium with no sandbox, GPU or background traffic (CI containers have none of those). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A running `flakeguard serve` in a sandbox and its URL. */
export interface Served {
  server: Running;
  url: string;
  stop: () => Promise<number | null>;
}

/** Starts `flakeguard serve` in `box` on a free port and waits until it is ready. */
export async function serve(box: Sandbox): Promise<Served> {
  const port = await freePort();
  const server = start(box, ["serve", "--port", String(port)]);
  await waitReady(server, port);
  return { server, url: `http://127.0.0.1:${port}`, stop: () => stop(server) };
}

/** The admin token a first start printed. */
export function printedAdminToken(output: string): string {
  const m = /fga_[A-Za-z0-9_-]+/.exec(output);
  if (!m) throw new Error(`no admin token in the output:\n${output}`);
  return m[0];
}

/**
 * Collects into `problems` what must fail a browser test: uncaught page errors, Content-Security-Policy
 * violations (the page's securitypolicyviolation events, reported through the console) and console
 * errors (Chromium also logs each refused load or inline script there).
 */
export async function watchPage(page: Page, problems: string[]): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(
        `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !EXPECTED_CONSOLE_ERRORS.some((re) => re.test(m.text()))) {
      problems.push(`console error: ${m.text()}`);
    }
  });
}

/** Console errors a test provokes on purpose: the browser logs a failed request's status (a wrong password's 401). */
const EXPECTED_CONSOLE_ERRORS = [/^Failed to load resource: the server responded with a status of 4\d\d/];
