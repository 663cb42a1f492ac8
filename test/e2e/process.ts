// Drives the built executable as a child process from a bare directory: no repository, no
// node_modules, a private HOME, so only what is inside the executable can be used.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { copyFileSync, linkSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The executable under test. */
export const BUILT_BINARY = fileURLToPath(new URL("../../dist/flakeguard", import.meta.url));

/** A bare directory holding only a copy of the executable, with its own HOME. */
export interface Sandbox {
  dir: string;
  binary: string;
  env: Record<string, string>;
}

/**
 * Puts the executable alone into a fresh temp directory and returns how to run it there. `link` makes a
 * hard link instead of a copy: the benchmark uses it so that writing back 120 MB of freshly copied
 * pages does not compete with the start it measures.
 */
export function sandbox(options: { link?: boolean } = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "flakeguard-e2e-"));
  const binary = join(dir, "flakeguard");
  if (options.link) linkSync(BUILT_BINARY, binary);
  else copyFileSync(BUILT_BINARY, binary);
  const home = mkdtempSync(join(tmpdir(), "flakeguard-home-"));
  // Nothing from the developer's environment: no FLAKEGUARD_*, DATABASE_URL or NODE_OPTIONS.
  return { dir, binary, env: { PATH: "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8" } };
}

/** A running (or finished) child with everything it wrote, stdout and stderr interleaved. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `./flakeguard args…` in the sandbox. */
export function start(box: Sandbox, args: string[]): Running {
  const child = spawn("./flakeguard", args, { cwd: box.dir, env: box.env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, exited };
}

/** Runs a command to completion and returns its exit code and output. */
export async function run(box: Sandbox, args: string[]): Promise<{ code: number | null; output: string }> {
  const running = start(box, args);
  const { code } = await running.exited;
  return { code, output: running.output() };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Polls GET /readyz until 200; fails with the process output if it exits or `limitMs` passes first. */
export async function waitReady(running: Running, port: number, limitMs = 60_000): Promise<void> {
  let exited = false;
  void running.exited.then(() => (exited = true));
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server never became ready (exited: ${exited}); output:\n${running.output()}`);
}

/**
 * Sends SIGTERM and resolves with the exit code; rejects if the process is still alive after `limitMs`
 * (by default the server's 10 s grace period and a margin: a server may use all of its grace and still exit well).
 */
export async function stop(running: Running, limitMs = 15_000): Promise<number | null> {
  running.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      running.child.kill("SIGKILL");
      reject(new Error(`still running ${limitMs} ms after SIGTERM; output:\n${running.output()}`));
    }, limitMs);
  });
  try {
    return (await Promise.race([running.exited, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}
