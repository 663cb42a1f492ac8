import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command, CommandIO } from "../command.ts";
import { detectCiEnv } from "../ci-env/index.ts";
import { checkQuarantine } from "../quarantine/client.ts";
import { formatTable } from "../quarantine/table.ts";
import { runChild } from "./child.ts";
import { RUN_HELP } from "./help.ts";
import { parseRunArgs } from "./options.ts";
import { failingTests, findFreshReports } from "./reports.ts";
import { uploadReports } from "./upload.ts";
import { defaultUploadDeps } from "../upload/index.ts";
import type { ReadyPlan } from "../upload/options.ts";
import { isReady, resolveUploadPlan } from "../upload/options.ts";
import { describeNetworkError } from "../upload/retry.ts";
import type { SendDeps } from "../upload/send.ts";

const PREFIX = "flakeguard run:";

/** Builds `flakeguard run` over the given network, clock and timers. */
export function createRunCommand(deps: SendDeps = defaultUploadDeps()): Command {
  return {
    path: ["run"],
    summary: "Run the tests, upload their reports, and pass the build when only quarantined tests failed",
    help: RUN_HELP,
    run: (args, io) => runWrapped(args, io, deps),
  };
}

/** `flakeguard run`, registered in commands.ts. */
export const runCommand: Command = createRunCommand();

async function runWrapped(args: string[], io: CommandIO, deps: SendDeps): Promise<number> {
  const parsed = parseRunArgs(args);
  if (parsed.flags.help) {
    io.stdout(RUN_HELP);
    return 0;
  }
  const readText = (path: string): string => readFileSync(resolve(io.cwd, path), "utf8");
  const ci = detectCiEnv(io.env, readText);
  const plan = resolveUploadPlan({
    flags: { ...parsed.flags, patterns: parsed.patterns },
    env: io.env,
    ci,
    readTokenFile: readText,
  });
  const startedAt = Date.now(); // wall clock on purpose: it is compared with file mtimes
  const child = await runChild({ command: parsed.command, cwd: io.cwd, env: io.env, stop: io.stopSignal });
  const code = child.code;
  // Every problem from here on is one warning line and the command's own exit code: the wrapper must never
  // turn a red build green by mistake, nor a green one red.
  const warn = (why: string): number => {
    io.stderr(`${PREFIX} warning: ${why}; exiting with the command's code ${code}`);
    return code;
  };
  if (child.startError) return warn(child.startError);
  if (child.forwarded) return warn(`interrupted by ${child.forwarded}, reports not uploaded`);
  if (!isReady(plan)) return warn(`reports not uploaded: ${plan.problems.join("; ")}`);

  const files = await findFreshReports(parsed.patterns, io.cwd, startedAt, parsed.defaultPatterns);
  if (files.length === 0) return warn(`no report written by the command matched ${parsed.patterns.join(" ")}`);
  const info = (line: string) => io.stdout(`${PREFIX} ${line}`);
  const uploadProblem = await uploadReports(plan, files, deps, info);
  if (uploadProblem) return warn(uploadProblem);
  if (code === 0) return 0;
  return settleFailure(plan, files, code, io, deps, warn);
}

/** The command failed: exit 0 only when the reports name failing tests and every one of them is quarantined. */
async function settleFailure(
  plan: ReadyPlan,
  files: Awaited<ReturnType<typeof findFreshReports>>,
  code: number,
  io: CommandIO,
  deps: SendDeps,
  warn: (why: string) => number,
): Promise<number> {
  let failing: string[];
  try {
    failing = await failingTests(files);
  } catch (error) {
    return warn((error as Error).message);
  }
  // A command that fails with no failing test in its reports failed for another reason (a crash, a lint step).
  if (failing.length === 0) return warn(`the command failed but its reports name no failing test`);
  let quarantined;
  try {
    const onRetry = (reason: string, delayMs: number, next: number, max: number) =>
      io.stdout(
        `${PREFIX} quarantine check: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${next} of ${max})`,
      );
    quarantined = await checkQuarantine(plan, deps, failing, { onRetry });
  } catch (error) {
    return warn(`quarantine check failed: ${describeNetworkError(error)}`);
  }
  const byTest = new Map(quarantined.map((q) => [q.test, q]));
  const open = failing.filter((test) => !byTest.has(test));
  if (open.length > 0) {
    io.stdout(
      `${PREFIX} ${open.length} failing test${open.length === 1 ? " is" : "s are"} not quarantined: ${open.slice(0, 5).join(", ")}${open.length > 5 ? ", …" : ""}`,
    );
    return code;
  }
  io.stdout(`${PREFIX} the command failed (exit ${code}), but every failing test is quarantined:`);
  const rows = failing.map((test) => [test, byTest.get(test)?.mode ?? "", byTest.get(test)?.reason ?? ""]);
  for (const line of formatTable([["test", "mode", "reason"], ...rows])) io.stdout(`  ${line}`);
  io.stdout(`${PREFIX} exiting 0`);
  return 0;
}
