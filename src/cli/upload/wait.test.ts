// `flakeguard upload --wait` against a real FlakeGuard (the in-process app of the scenario tests): the
// command's requests go to its HTTP app, and each of its sleeps between polls runs the due jobs.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/helpers/app.ts";
import type { CommandIO } from "../command.ts";
import { createUploadCommand } from "./index.ts";
import { parseWaitTimeout } from "./options.ts";

const SERVER = "http://flakeguard.test";
const junit = (failing: string[], passing: string[]) =>
  `<testsuite name="s">${failing.map((n) => `<testcase classname="s" name="${n}"><failure message="boom"/></testcase>`).join("")}${passing
    .map((n) => `<testcase classname="s" name="${n}"/>`)
    .join("")}</testsuite>`;

let t: TestApp;
let workDir: string;

beforeAll(async () => {
  t = await startTestApp("sqlite");
  await t.json("POST", "/api/v1/projects", { slug: "web" });
  workDir = await mkdtemp(join(tmpdir(), "flakeguard-wait-"));
});
afterAll(async () => {
  await t?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `flakeguard upload` with `args` on a report of `xml`; `worker: false` leaves the jobs unrun. */
async function upload(
  xml: string,
  args: string[],
  options: { worker?: boolean; tty?: boolean; failGets?: number } = {},
) {
  const file = join(workDir, "junit.xml");
  await writeFile(file, xml);
  let now = Date.parse("2026-12-01T12:00:00Z");
  let failGets = options.failGets ?? 0;
  const sleeps: number[] = [];
  const command = createUploadCommand({
    fetch: (input, init) => {
      // The first `failGets` reads of a report answer 502, as a proxy would while the server restarts.
      if (String(input).includes("/reports/") && failGets > 0) {
        failGets--;
        return Promise.resolve(new Response("bad gateway", { status: 502 }));
      }
      return Promise.resolve(t.app.http.request(String(input), init));
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      if (options.worker !== false) await t.app.runJobsOnce();
    },
    random: () => 0,
    now: () => now,
    requestTimeoutMs: 10_000,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIO = {
    env: { FLAKEGUARD_SERVER: SERVER, FLAKEGUARD_TOKEN: t.admin, FLAKEGUARD_PROJECT: "web" },
    cwd: workDir,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    stopSignal: new Promise(() => {}),
    tty: options.tty,
  };
  const exitCode = await command.run([...args, "junit.xml"], io);
  return { exitCode, stdout: stdout.join("\n"), stderr: stderr.join("\n"), sleeps };
}

describe("flakeguard upload --wait", () => {
  it("waits for settled verdicts, prints the run's failures and exits 1 for one not quarantined", async () => {
    const r = await upload(junit(["breaks"], ["fine"]), ["--wait", "--run", "r1", "--commit", "c1"]);
    expect(r.stdout).toMatch(/waiting for verdicts \(0 of 1 settled\): report \S+ stored/);
    expect(r.stdout).toContain("verdicts settled");
    expect(r.stdout).toContain("run r1: 1 failing test (1 new, 0 known flaky, 0 during an incident, 0 quarantined)");
    expect(r.stdout).toMatch(/new-failure: s › breaks — boom/);
    expect(r.stdout).toContain("1 failing test is not quarantined; exiting 1");
    expect(r.exitCode).toBe(1);
    expect(r.sleeps.length).toBeGreaterThan(0);
  });

  it("exits 0 when nothing failed", async () => {
    const r = await upload(junit([], ["fine", "also-fine"]), ["--wait", "--run", "r2", "--commit", "c2"]);
    expect(r.stdout).toContain("run r2: 0 failing tests");
    expect(r.stdout).toContain("no failing test; exiting 0");
    expect(r.exitCode).toBe(0);
  });

  it("exits 0 when every failing test is quarantined", async () => {
    const tests = (await t.json("GET", "/api/v1/projects/web/tests?q=breaks")).body.tests as { id: string }[];
    const added = await t.json("POST", "/api/v1/projects/web/quarantine", { testId: tests[0].id, reason: "known" });
    expect(added.status).toBe(201);
    const r = await upload(junit(["breaks"], ["fine"]), ["--wait", "--run", "r3", "--commit", "c3"]);
    expect(r.stdout).toContain("1 quarantined)");
    expect(r.stdout).toContain("every failing test is quarantined; exiting 0");
    expect(r.exitCode).toBe(0);
  });

  it("gives up after --wait-timeout with a warning, exit 0 (1 with --fail-on-error)", async () => {
    const r = await upload(junit(["late"], []), ["--wait-timeout", "5s", "--run", "r4", "--commit", "c4"], {
      worker: false,
    });
    expect(r.stderr).toContain("verdicts not settled within 5s; exiting 0");
    expect(r.exitCode).toBe(0);
    expect(r.sleeps.reduce((a, b) => a + b, 0)).toBe(5_000);
    const strict = await upload(junit(["late2"], []), ["--wait-timeout=2s", "--fail-on-error", "--run", "r5"], {
      worker: false,
    });
    expect(strict.exitCode).toBe(1);
    await t.app.runJobsOnce();
  });

  it("rides out a few failed polls, and gives up with a warning after five in a row", async () => {
    const flaky = await upload(junit([], ["ok"]), ["--wait", "--run", "r6", "--commit", "c6"], {
      failGets: 2,
    });
    expect(flaky.stdout).toContain("not read (GET reports/");
    expect(flaky.stdout).toContain("no failing test; exiting 0");
    expect(flaky.exitCode).toBe(0);
    const down = await upload(junit([], ["ok2"]), ["--wait", "--run", "r7", "--commit", "c7"], { failGets: 99 });
    expect(down.stderr).toContain("cannot read the verdicts: GET reports/");
    expect(down.exitCode).toBe(0);
    await t.app.runJobsOnce();
  });

  it("refuses a --wait-timeout that is not a duration", async () => {
    const r = await upload(junit([], ["x"]), ["--wait-timeout", "soon"]);
    expect(r.stderr).toContain('--wait-timeout must be a duration such as 600, 90s or 10m, got "soon"');
    expect(parseWaitTimeout("10m")).toBe(600_000);
    expect(parseWaitTimeout("90")).toBe(90_000);
    expect(parseWaitTimeout("0")).toBeUndefined();
  });
});
