// `npm run bench:ui-size`: what the first page of the web UI costs to download — the JS and CSS that
// index.html loads, raw and gzipped — against the budget of 100 KB of gzipped JS.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildUi } from "../../ui/build.ts";

const BUDGET_JS_GZIP = 100 * 1024;
const root = fileURLToPath(new URL("../../", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "flakeguard-ui-size-"));
try {
  await buildUi(root, out);
  const html = readFileSync(join(out, "index.html"), "utf8");
  const loaded = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  let jsGzip = 0;
  console.log("| file | raw | gzip -9 |\n|---|---:|---:|");
  for (const url of loaded) {
    const bytes = readFileSync(join(out, url));
    const gz = gzipSync(bytes, { level: 9 }).length;
    if (url.endsWith(".js")) jsGzip += gz;
    console.log(`| ${url.replace(/-[A-Z0-9]{8}\./, ".")} | ${kb(bytes.length)} | ${kb(gz)} |`);
  }
  console.log(
    `\nfirst page JS: ${kb(jsGzip)} gzipped (budget ${kb(BUDGET_JS_GZIP)}): ${jsGzip <= BUDGET_JS_GZIP ? "within" : "OVER"} budget`,
  );
  if (jsGzip > BUDGET_JS_GZIP) process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
