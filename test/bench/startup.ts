// `npm run bench:startup`: how fast and how small the executable starts. For SQLite and PGlite: time
// from exec to the first 200 from /readyz (median of N, fresh data dir and restart separately) and idle
// RSS one second after ready. Writes docs/benchmarks-startup.md unless --no-write.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { BUILT_BINARY, freePort, run, sandbox, start, stop } from "../e2e/process.ts";
import type { Running, Sandbox } from "../e2e/process.ts";
import { renderReport } from "./startup-report.ts";
import type { Row } from "./startup-report.ts";

const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 5);
const BACKENDS = [
  { name: "SQLite", args: [] as string[] },
  { name: "PGlite", args: ["--database-url", "pglite:./pg"] },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of `pid` in MB, from /proc. */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

/** Spawns `serve`, polls /readyz every 5 ms; returns ms from spawn to first 200 and RSS 1 s later. */
async function once(box: Sandbox, args: string[]): Promise<{ readyMs: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const server: Running = start(box, ["serve", "--port", String(port), ...args]);
  let exited = false;
  void server.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`serve exited before ready:\n${server.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await sleep(5);
  }
  const readyMs = performance.now() - started;
  await sleep(1000);
  const rss = rssMb(server.child.pid ?? 0);
  const code = await stop(server);
  if (code !== 0) throw new Error(`serve exited ${code} on SIGTERM:\n${server.output()}`);
  return { readyMs, rss };
}

async function measure(label: string, args: string[]): Promise<Row[]> {
  const first: { readyMs: number; rss: number }[] = [];
  for (let i = 0; i < RUNS; i++) first.push(await once(sandbox(), args));
  const box = sandbox();
  await once(box, args); // the first start of this data dir, not counted
  const again: { readyMs: number; rss: number }[] = [];
  for (let i = 0; i < RUNS; i++) again.push(await once(box, args));
  return [
    { backend: label, start: "first start", readyMs: first.map((r) => r.readyMs), rssMb: first.map((r) => r.rss) },
    { backend: label, start: "restart", readyMs: again.map((r) => r.readyMs), rssMb: again.map((r) => r.rss) },
  ];
}

const sizeMb = statSync(BUILT_BINARY).size / 1024 / 1024;
const versionMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await run(sandbox(), ["version"]);
  versionMs.push(performance.now() - t);
}
const rows: Row[] = [];
for (const backend of BACKENDS) rows.push(...(await measure(backend.name, backend.args)));

const report = renderReport({
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} CPUs`,
  version: execFileSync(BUILT_BINARY, ["version"], { encoding: "utf8" }).trim(),
  runs: RUNS,
  sizeMb,
  versionMs: median(versionMs),
  rows,
});
console.log(report);
if (!process.argv.includes("--no-write")) {
  writeFileSync(new URL("../../docs/benchmarks-startup.md", import.meta.url), report);
  console.log("wrote docs/benchmarks-startup.md");
}
