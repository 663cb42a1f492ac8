import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandIO } from "../command.ts";
import { UsageError } from "../command.ts";
import { createUploadCommand } from "./index.ts";
import type { ScriptedReply } from "../../../test/helpers/fake-upload-server.ts";
import { startRecordingServer } from "../../../test/helpers/fake-upload-server.ts";

const TOKEN = "fgu_secret_token_value";
const JUNIT = `<?xml version="1.0"?><testsuite name="s"><testcase name="t"/></testsuite>`;
const CTRF = `{"results":{"tool":{"name":"vitest"},"tests":[]}}`;
const created = (id: string) => ({
  status: 201,
  body: { reports: [{ id, status: "processed", counts: { passed: 3, failed: 1 } }] },
});

let workDir: string;
let server: Awaited<ReturnType<typeof startRecordingServer>> | undefined;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), "flakeguard-upload-"));
  await mkdir(join(workDir, "reports/nested"), { recursive: true });
  await writeFile(join(workDir, "reports/junit.xml"), JUNIT);
  await writeFile(join(workDir, "reports/nested/ctrf.json"), CTRF);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(workDir, { recursive: true, force: true });
});

/** Runs the command against a fresh recording server; returns its output, exit code, requests and waits. */
interface UploadOptions {
  replies?: ScriptedReply[];
  env?: Record<string, string>;
  stopSignal?: Promise<string>;
}

async function upload(args: string[], options: UploadOptions = {}) {
  await server?.close(); // a test may upload twice
  server = await startRecordingServer(options.replies ?? [created("r_1")]);
  const sleeps: number[] = [];
  const command = createUploadCommand({
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    now: () => Date.parse("2025-03-02T12:00:00Z"),
    requestTimeoutMs: 10_000,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIO = {
    env: { FLAKEGUARD_SERVER: server.url, FLAKEGUARD_TOKEN: TOKEN, FLAKEGUARD_PROJECT: "web", ...options.env },
    cwd: workDir,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    stopSignal: options.stopSignal ?? new Promise(() => {}),
  };
  const exitCode = await command.run(args, io);
  const output = [...stdout, ...stderr].join("\n");
  return { exitCode, stdout: stdout.join("\n"), stderr: stderr.join("\n"), output, requests: server.requests, sleeps };
}

describe("flakeguard upload", () => {
  it("posts each matched file gzipped, with bearer auth, a content type and the detected metadata", async () => {
    const eventPath = join(workDir, "event.json");
    await writeFile(
      eventPath,
      await readFile(new URL("../../../test/fixtures/ci/github-pull_request.event.json", import.meta.url)),
    );
    const ciEnv = JSON.parse(
      await readFile(new URL("../../../test/fixtures/ci/github-pull_request.env.json", import.meta.url), "utf8"),
    ) as Record<string, string>;
    const result = await upload(["--job", "unit", "--variant", "os=linux", "--variant", "node=24", "reports/**"], {
      env: { ...ciEnv, GITHUB_EVENT_PATH: eventPath },
      replies: [created("r_1"), created("r_2")],
    });

    expect(result.exitCode).toBe(0);
    expect(result.requests).toHaveLength(2);
    const [xml, json] = result.requests;
    expect(gunzipSync(xml.body).toString()).toBe(JUNIT);
    expect(gunzipSync(json.body).toString()).toBe(CTRF);
    expect(xml.method).toBe("POST");
    expect(xml.headers["authorization"]).toBe(`Bearer ${TOKEN}`);
    expect(xml.headers["content-encoding"]).toBe("gzip");
    expect(xml.headers["content-type"]).toBe("application/xml");
    expect(json.headers["content-type"]).toBe("application/json");

    const url = new URL(xml.url, "http://x");
    expect(url.pathname).toBe("/api/v1/projects/web/reports");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      commit: "9f2c1e4b7a3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e",
      branch: "feature/login-retry",
      pr: "42",
      run: "9876543210",
      job: "unit", // the flag wins over GITHUB_JOB
      attempt: "2",
    });
    expect(url.searchParams.getAll("variant")).toEqual(["os=linux", "node=24"]);
    expect(url.searchParams.has("format")).toBe(false);

    expect(result.stdout).toContain("reports/junit.xml");
    expect(result.stdout).toContain("report r_1 processed (passed 3, failed 1)");
    expect(result.stdout).toContain("report r_2 processed");
    expect(result.stdout).toContain("GitHub Actions");
    expect(result.output).not.toContain(TOKEN);
  });

  it("sends --format and accepts a queued 202 answer with reportId", async () => {
    const result = await upload(["--format", "junit", "reports/junit.xml"], {
      replies: [{ status: 202, body: { reportId: "r_9" } }],
    });
    expect(new URL(result.requests[0].url, "http://x").searchParams.get("format")).toBe("junit");
    expect(result.stdout).toContain("report r_9 queued");
    expect(result.exitCode).toBe(0);
  });

  it("waits as long as Retry-After says after a 503, then succeeds", async () => {
    const result = await upload(["reports/junit.xml"], {
      replies: [{ status: 503, headers: { "retry-after": "7" } }, created("r_1")],
    });
    expect(result.requests).toHaveLength(2);
    expect(result.sleeps).toEqual([7000]);
    expect(gunzipSync(result.requests[1].body).toString()).toBe(JUNIT);
    expect(result.stderr).toContain("HTTP 503; retrying in 7.0s (attempt 2 of 5)");
    expect(result.exitCode).toBe(0);
  });

  it("reads Retry-After as an HTTP date", async () => {
    const result = await upload(["reports/junit.xml"], {
      replies: [{ status: 429, headers: { "retry-after": "Sun, 02 Mar 2025 12:00:03 GMT" } }, created("r_1")],
    });
    expect(result.sleeps).toEqual([3000]);
  });

  it("backs off exponentially without Retry-After, retries network errors, and gives up after 5 attempts", async () => {
    const result = await upload(["reports/junit.xml"], { replies: ["hang-up", { status: 502 }] });
    expect(result.requests).toHaveLength(5);
    expect(result.sleeps).toEqual([500, 1000, 2000, 4000]); // random() = 0 takes the low end of the jitter
    expect(result.stderr).toContain("not uploaded: HTTP 502");
    expect(result.exitCode).toBe(0);
  });

  it("exits 1 when the upload fails and --fail-on-error is given", async () => {
    const result = await upload(["--fail-on-error", "reports/junit.xml"], { replies: [{ status: 500 }] });
    expect(result.requests).toHaveLength(5);
    expect(result.exitCode).toBe(1);
  });

  it("does not retry a 400 and prints the server's error message", async () => {
    const reply = {
      status: 400,
      body: { error: { code: "bad_report", message: "not a JUnit, CTRF, TRX, NUnit or xUnit report" } },
    };
    const result = await upload(["reports/junit.xml"], { replies: [reply] });
    expect(result.requests).toHaveLength(1);
    expect(result.sleeps).toEqual([]);
    expect(result.stderr).toContain("HTTP 400: bad_report: not a JUnit, CTRF, TRX, NUnit or xUnit report");
    expect(result.exitCode).toBe(0);

    const failing = await upload(["--fail-on-error", "reports/junit.xml"], { replies: [reply] });
    expect(failing.exitCode).toBe(1);
  });

  it("stops after a 401 instead of sending the remaining files", async () => {
    const reply = { status: 401, body: { error: { code: "unauthorized", message: "invalid token" } } };
    const result = await upload(["reports/**"], { replies: [reply] });
    expect(result.requests).toHaveLength(1);
    expect(result.stderr).toContain("2 of 2 files not uploaded");
    expect(result.exitCode).toBe(0);
  });

  it("warns when no file matches, exiting 0, or 1 with --fail-on-error", async () => {
    const result = await upload(["build/*.xml"]);
    expect(result.requests).toHaveLength(0);
    expect(result.stderr).toContain("no files matched build/*.xml");
    expect(result.exitCode).toBe(0);
    expect((await upload(["--fail-on-error", "build/*.xml"])).exitCode).toBe(1);
  });

  it("warns about missing configuration and exits 0, or fails as a usage error with --fail-on-error", async () => {
    const result = await upload(["reports/junit.xml"], { env: { FLAKEGUARD_TOKEN: "", FLAKEGUARD_PROJECT: "" } });
    expect(result.exitCode).toBe(0);
    expect(result.requests).toHaveLength(0);
    expect(result.stderr).toContain("no token");
    expect(result.stderr).toContain("no project");

    const failing = upload(["--fail-on-error", "reports/junit.xml"], { env: { FLAKEGUARD_PROJECT: "" } });
    await expect(failing).rejects.toThrow(UsageError);
    await expect(failing).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("no project") });
  });

  it("names an unknown flag", async () => {
    const result = await upload(["--projct", "web", "reports/junit.xml"]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("warning: Unknown option '--projct'");
    await expect(upload(["--fail-on-error", "--projct", "web"])).rejects.toThrow(/--projct/);
  });

  it("accepts --debug, which main() reads for stack traces", async () => {
    const result = await upload(["--debug", "reports/junit.xml"]);
    expect(result.requests).toHaveLength(1);
  });

  it("reads the token from FLAKEGUARD_TOKEN_FILE", async () => {
    await writeFile(join(workDir, "token"), "fgu_from_file\n");
    const result = await upload(["reports/junit.xml"], {
      env: { FLAKEGUARD_TOKEN: "", FLAKEGUARD_TOKEN_FILE: "token" },
    });
    expect(result.requests[0].headers["authorization"]).toBe("Bearer fgu_from_file");
    expect(result.stdout).toContain("token from FLAKEGUARD_TOKEN_FILE");
    expect(result.output).not.toContain("fgu_from_file");
  });

  it("prints what it would send on --dry-run and sends nothing", async () => {
    const result = await upload(["--dry-run", "--commit", "abc123", "reports/**"]);
    expect(result.requests).toHaveLength(0);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`would POST ${server?.url}/api/v1/projects/web/reports?commit=abc123`);
    expect(result.stdout).toContain("reports/junit.xml");
    expect(result.stdout).toContain("reports/nested/ctrf.json");
    expect(result.output).not.toContain(TOKEN);
  });

  it("stops sending when the process is asked to stop", async () => {
    const result = await upload(["reports/**"], { stopSignal: Promise.resolve("SIGTERM") });
    expect(result.requests).toHaveLength(0);
    expect(result.stderr).toContain("interrupted by SIGTERM");
    expect(result.exitCode).toBe(0);
  });
});
