// Headless Chromium (Debian's package) driven by playwright-core, for the UI's browser tests and the
// screenshot script; and a served sandbox with the admin token it printed.
import { chromium, type Browser } from "playwright-core";
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
