import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandIO } from "../command.ts";
import type { QuarantineEntry } from "../quarantine/client.ts";
import { startQuarantineServer } from "../../../test/helpers/fake-quarantine-server.ts";
import { createRunCommand } from "./index.ts";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/run/", import.meta.url));
const COUPON: QuarantineEntry = {
  testId: "t_coupon",
  suite: "checkout.cart",
  name: "applies a coupon",
  file: "cart.test.ts",
  mode: "mute",
  reason: "times out on slow runners",
  owner: "ana",
  decidedBy: "ana",
  since: "2026-11-01T00:00:00.000Z",
  expiresAt: null,
};

let workDir: string;
let server: Awaited<ReturnType<typeof startQuarantineServer>> | undefined;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), "flakeguard-run-"));
  server = await startQuarantineServer({ tests: [], quarantined: [COUPON] });
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(workDir, { recursive: true, force: true });
});

/** A shell command that writes `fixture` (if any) as out/junit.xml and exits with `code`. */
function writesReport(fixture: string | undefined, code: number): string[] {
  const copy = fixture ? `mkdir -p out && cat '${join(FIXTURES, fixture)}' > out/junit.xml; ` : "";
  return ["sh", "-c", `${copy}exit ${code}`];
}

async function runWrapper(args: string[], options: { serverUrl?: string; stopSignal?: Promise<string> } = {}) {
  const sleeps: number[] = [];
  const command = createRunCommand({
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    now: Date.now,
    requestTimeoutMs: 10_000,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIO = {
    env: {
      ...process.env,
      FLAKEGUARD_SERVER: options.serverUrl ?? server!.url,
      FLAKEGUARD_TOKEN: "fgu_upload",
      FLAKEGUARD_PROJECT: "web",
    },
    cwd: workDir,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    stopSignal: options.stopSignal ?? new Promise(() => {}),
  };
  const exitCode = await command.run(args, io);
  return { exitCode, stdout, stderr, sleeps };
}

describe("flakeguard run", () => {
  it("exits 0 with a table when the command failed only on quarantined tests", async () => {
    const result = await runWrapper(["--reports", "out/*.xml", "--", ...writesReport("quarantined-failure.xml", 123)]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toEqual([]);
    const out = result.stdout.join("\n");
    expect(out).toContain("every failing test is quarantined");
    expect(out).toMatch(/test\s+mode\s+reason\n\s+checkout\.cart::applies a coupon\s+mute\s+times out on slow runners/);
    const upload = server!.requests.find((r) => r.path === "/api/v1/projects/web/reports")!;
    expect(upload.body).toContain("applies a coupon");
    const check = server!.requests.find((r) => r.path.endsWith("/quarantine/check"))!;
    expect(JSON.parse(check.body)).toEqual({ tests: ["checkout.cart::applies a coupon"] });
    expect(check.auth).toBe("Bearer fgu_upload");
  });

  it("exits with the command's own code when a failing test is not quarantined", async () => {
    const result = await runWrapper(["--reports", "out/*.xml", "--", ...writesReport("real-failure.xml", 123)]);
    expect(result.exitCode).toBe(123);
    expect(result.stdout.join("\n")).toContain("1 failing test is not quarantined: checkout.cart::computes the total");
    expect(result.stderr).toEqual([]);
  });

  it("exits with the command's code and one warning when no report was written", async () => {
    const result = await runWrapper(["--reports", "out/*.xml", "--", ...writesReport(undefined, 123)]);
    expect(result.exitCode).toBe(123);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(/^flakeguard run: warning: no report .*exiting with the command's code 123$/);
    expect(server!.requests).toEqual([]);
  });

  it("ignores a report left over from an earlier run", async () => {
    await mkdir(join(workDir, "out"));
    await writeFile(
      join(workDir, "out/junit.xml"),
      "<testsuite name='old'><testcase name='x'><failure/></testcase></testsuite>",
    );
    await utimes(join(workDir, "out/junit.xml"), new Date("2020-01-01"), new Date("2020-01-01"));
    const result = await runWrapper(["--reports", "out/*.xml", "--", ...writesReport(undefined, 1)]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr[0]).toMatch(/no report/);
    expect(server!.requests).toEqual([]);
  });

  it("exits with the command's code and one warning when the server is down", async () => {
    const url = server!.url;
    await server!.close();
    server = undefined;
    const result = await runWrapper(["--reports", "out/*.xml", "--", ...writesReport("quarantined-failure.xml", 123)], {
      serverUrl: url,
    });
    expect(result.exitCode).toBe(123);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(
      /^flakeguard run: warning: upload of out\/junit\.xml failed: .*ECONNREFUSED.*code 123$/,
    );
    expect(result.sleeps).toHaveLength(4); // retried as an upload is
  });

  it("exits 0 when the command passes, after uploading its report", async () => {
    const result = await runWrapper(["--reports", "out/*.xml", "--", ...writesReport("passing.xml", 0)]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toEqual([]);
    expect(server!.requests.map((r) => r.path)).toEqual(["/api/v1/projects/web/reports"]);
  });

  it("finds reports with the default globs, never inside node_modules", async () => {
    const vendored = `mkdir -p node_modules/dep && cat '${join(FIXTURES, "real-failure.xml")}' > node_modules/dep/junit.xml; `;
    const [sh, c, script] = writesReport("quarantined-failure.xml", 1);
    const result = await runWrapper(["--", sh, c, vendored + script]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.filter((l) => l.includes("uploaded"))).toEqual(["flakeguard run: uploaded out/junit.xml"]);
  });

  it("forwards SIGTERM to the command and exits 128 + 15", async () => {
    // The stop signal has already arrived when the child starts; without forwarding it would sleep on.
    const result = await runWrapper(["--reports", "out/*.xml", "--", "sh", "-c", "exec sleep 600"], {
      stopSignal: Promise.resolve("SIGTERM"),
    });
    expect(result.exitCode).toBe(143);
    expect(result.stderr).toEqual([
      "flakeguard run: warning: interrupted by SIGTERM, reports not uploaded; exiting with the command's code 143",
    ]);
  });

  it("passes on the exit code of a command killed by a signal of its own", async () => {
    const result = await runWrapper(["--reports", "out/*.xml", "--", "sh", "-c", "kill -KILL $$"]);
    expect(result.exitCode).toBe(137);
  });

  it("warns once and keeps the code when the configuration is incomplete", async () => {
    const command = createRunCommand();
    const stderr: string[] = [];
    const io: CommandIO = {
      env: { PATH: process.env.PATH },
      cwd: workDir,
      stdout: () => {},
      stderr: (l) => stderr.push(l),
      stopSignal: new Promise(() => {}),
    };
    expect(await command.run(["--", "sh", "-c", "exit 3"], io)).toBe(3);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain("no server");
  });

  it("refuses a missing test command", async () => {
    await expect(runWrapper(["--reports", "out/*.xml"])).rejects.toThrow(/no test command/);
  });
});
