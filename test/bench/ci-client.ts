// `npm run bench:ci-client`: the light CI client from a runner's point of view. Starts dist/flakeguard,
// then N times, in a bare environment (PATH=/usr/bin:/bin: the system's Node and curl), times
// `curl -fsSL $SERVER/cli/flakeguard.js -o flakeguard.js && node flakeguard.js upload reports/*.xml` from
// the start of curl to the exit of node, with GitHub Actions' variables set. Prints the client's size and
// the median and maximum; the target is under 5 s of client time.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CORPUS } from "../helpers/corpus.ts";
import { freePort, sandbox, start, stop, waitReady } from "../e2e/process.ts";

const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 10);

const box = sandbox();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = start(box, ["serve", "--port", String(port)]);
try {
  await waitReady(server, port);
  const admin = /fga_[A-Za-z0-9_-]+/.exec(server.output())![0];
  const api = (path: string, body?: string) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, ...(body ? { "content-type": "application/json" } : {}) },
      body,
    });
  await api("/api/v1/projects", '{"slug":"bench"}');
  const token = ((await (await api("/api/v1/projects/bench/tokens")).json()) as { token: string }).token;
  const size = (await (await fetch(`${url}/cli/flakeguard.js`)).arrayBuffer()).byteLength;
  const node = execFileSync("/usr/bin/node", ["--version"], { encoding: "utf8" }).trim();
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "fg-bench-runner-"));
    mkdirSync(join(dir, "reports"));
    copyFileSync(join(CORPUS, "junit/retries/mixed_flaky_and_passed.xml"), join(dir, "reports/junit.xml"));
    const env = {
      PATH: "/usr/bin:/bin",
      HOME: dir,
      FLAKEGUARD_SERVER: url,
      FLAKEGUARD_TOKEN: token,
      FLAKEGUARD_PROJECT: "bench",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: "push",
      GITHUB_SHA: `${i}`.padStart(40, "a"),
      GITHUB_REF: "refs/heads/main",
      GITHUB_RUN_ID: String(1000 + i),
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_JOB: "unit",
    };
    const script = `curl -fsSL "$FLAKEGUARD_SERVER/cli/flakeguard.js" -o flakeguard.js && node flakeguard.js upload --fail-on-error 'reports/*.xml'`;
    const started = performance.now();
    const result = spawnSync("sh", ["-c", script], { cwd: dir, env, encoding: "utf8" });
    seconds.push((performance.now() - started) / 1000);
    if (result.status !== 0) throw new Error(`run ${i} failed:\n${result.stdout}${result.stderr}`);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)];
  console.log(`CI client: ${(size / 1024).toFixed(0)} KiB; ${node}; ${RUNS} runs of curl + node upload (one report)`);
  console.log(`client time: median ${median.toFixed(2)} s, max ${seconds.at(-1)!.toFixed(2)} s (target < 5 s)`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
} finally {
  await stop(server);
}
