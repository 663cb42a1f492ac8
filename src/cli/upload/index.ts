import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import type { Command, CommandIO } from "../command.ts";
import { UsageError } from "../command.ts";
import { detectCiEnv } from "../ci-env/index.ts";
import { describePlan, describeReceipts } from "./describe.ts";
import type { ReportFile } from "./files.ts";
import { contentTypeFor, expandReportPatterns, formatBytes } from "./files.ts";
import { UPLOAD_HELP } from "./help.ts";
import { commentOnPullRequest, githubCommentTarget } from "./github.ts";
import type { ReadyPlan, UploadPlan } from "./options.ts";
import { failOnErrorRequested, isReady, parseUploadArgs, resolveUploadPlan } from "./options.ts";
import { describeErrorAnswer, readReceipts } from "./response.ts";
import { describeNetworkError } from "./retry.ts";
import type { SendDeps } from "./send.ts";
import { redactUrl, reportsUrl, sendReport } from "./send.ts";
import { printRunVerdict, waitForReports } from "./wait.ts";

const PREFIX = "flakeguard upload:";
/** Answers that every further file would get too; uploading the rest only repeats the warning. */
const HOPELESS_STATUSES = new Set([401, 403, 404]);

/** The real network, clock and timers; tests build the command with their own. */
export function defaultUploadDeps(): SendDeps {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: async (ms, signal) => void (await delay(ms, undefined, { signal })),
    random: Math.random,
    now: Date.now,
    requestTimeoutMs: 60_000,
  };
}

/** Builds `flakeguard upload` over the given dependencies. */
export function createUploadCommand(deps: SendDeps = defaultUploadDeps()): Command {
  return {
    path: ["upload"],
    summary: "Send test reports from a CI job to the FlakeGuard server (never fails the build by default)",
    help: UPLOAD_HELP,
    run: (args, io) => runUpload(args, io, deps),
  };
}

/** `flakeguard upload`, registered in main.ts. */
export const uploadCommand: Command = createUploadCommand();

async function runUpload(args: string[], io: CommandIO, deps: SendDeps): Promise<number> {
  let flags;
  try {
    flags = parseUploadArgs(args);
  } catch (error) {
    return configurationFailure([(error as Error).message], failOnErrorRequested(args), io);
  }
  if (flags.help) {
    io.stdout(UPLOAD_HELP);
    return 0;
  }
  const readText = (path: string): string => readFileSync(resolve(io.cwd, path), "utf8");
  const ci = detectCiEnv(io.env, readText);
  const plan = resolveUploadPlan({ flags, env: io.env, ci, readTokenFile: readText });
  if (plan.problems.length > 0 && !plan.dryRun) return configurationFailure(plan.problems, plan.failOnError, io);

  for (const line of describePlan(plan)) io.stdout(`${PREFIX} ${line}`);
  const { files, unmatched } = await expandReportPatterns(plan.patterns, io.cwd);
  for (const pattern of unmatched) io.stderr(`${PREFIX} warning: no files matched ${pattern}`);

  if (plan.dryRun || !isReady(plan)) {
    await printDryRun(plan, files, io);
    if (plan.problems.length > 0) return configurationFailure(plan.problems, plan.failOnError, io);
    return 0;
  }
  if (files.length === 0) {
    io.stderr(`${PREFIX} warning: no report files found, nothing uploaded`);
    return plan.failOnError ? 1 : 0;
  }
  const { failed, ids } = await uploadAll(plan, files, io, deps);
  // With --wait the PR comment is written from settled verdicts, after the wait.
  const waitCode = plan.waitTimeoutMs === undefined ? undefined : await waitAndReport(plan, ids, io, deps);
  if (failed < files.length) await githubTokenMode(flags["github-token"], plan, io, deps);
  if (failed === 0) {
    io.stdout(`${PREFIX} uploaded ${files.length} of ${files.length} files`);
    return waitCode ?? 0;
  }
  io.stderr(
    `${PREFIX} warning: ${failed} of ${files.length} files not uploaded` +
      (plan.failOnError ? "" : "; exiting 0 so the build is not failed (pass --fail-on-error to fail it)"),
  );
  return plan.failOnError ? 1 : Math.max(0, waitCode ?? 0);
}

/**
 * --wait: waits until the uploaded reports' verdicts are settled, then prints the run's verdict; its exit code
 * is `flakeguard run`'s (1 when a failing test is not quarantined). A wait that cannot finish (time out, a
 * refused report, the server unreachable) is a warning, and exits 0 unless --fail-on-error.
 */
async function waitAndReport(plan: ReadyPlan, ids: string[], io: CommandIO, deps: SendDeps): Promise<number> {
  const problem = (why: string) => {
    io.stderr(`${PREFIX} warning: ${why}` + (plan.failOnError ? "" : "; exiting 0 (pass --fail-on-error to fail)"));
    return plan.failOnError ? 1 : 0;
  };
  if (ids.length === 0) return problem("no report id to wait for");
  const stop = new AbortController();
  io.stopSignal.then(
    (signal) => stop.abort(new Error(`interrupted by ${signal}`)),
    () => {},
  );
  try {
    const timeout = plan.waitTimeoutMs ?? 0;
    const waited = await waitForReports(plan, ids, deps, io, timeout, stop.signal, PREFIX);
    for (const f of waited.failed) io.stderr(`${PREFIX} warning: report ${f.id} failed: ${f.reason}`);
    if (!waited.settled)
      return problem(
        stop.signal.aborted
          ? "interrupted before the verdicts settled"
          : `verdicts not settled within ${timeout / 1000}s`,
      );
    io.stdout(`${PREFIX} verdicts settled`);
    if (waited.failed.length > 0) return problem(`${waited.failed.length} report(s) failed`);
    if (!plan.metadata.run) {
      io.stdout(`${PREFIX} no CI run id (pass --run) to read the run's verdict by; exiting 0`);
      return 0;
    }
    return await printRunVerdict(plan, plan.metadata.run, deps, io, PREFIX);
  } catch (error) {
    return problem(`cannot read the verdicts: ${describeNetworkError(error)}`);
  }
}

/** Uploads one file after another; resolves to how many were not uploaded, and the ids of the reports uploaded. */
async function uploadAll(plan: ReadyPlan, files: ReportFile[], io: CommandIO, deps: SendDeps) {
  const stop = new AbortController();
  io.stopSignal.then(
    (signal) => stop.abort(new Error(`interrupted by ${signal}`)),
    () => {},
  );
  const url = reportsUrl(plan.server, plan.project, plan.metadata);
  let uploaded = 0;
  const ids: string[] = [];
  for (const file of files) {
    if (stop.signal.aborted) break;
    const prepared = await prepare(file, io);
    if (!prepared) continue;
    const onRetry = (reason: string, delayMs: number, next: number, max: number) =>
      io.stderr(
        `${PREFIX} ${file.displayPath}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${next} of ${max})`,
      );
    try {
      const request = { url, token: plan.token, contentType: contentTypeFor(file.path), gzippedBody: prepared.gzipped };
      const answer = await sendReport(request, deps, stop.signal, onRetry);
      if (answer.status >= 200 && answer.status < 300) {
        uploaded++;
        const receipts = readReceipts(answer.status, answer.text);
        for (const r of receipts) if (r.id) ids.push(r.id);
        io.stdout(`${PREFIX} sent ${prepared.summary}: ${describeReceipts(answer.status, receipts)}`);
        continue;
      }
      io.stderr(
        `${PREFIX} warning: ${file.displayPath} not uploaded: ${describeErrorAnswer(answer.status, answer.text)}`,
      );
      if (HOPELESS_STATUSES.has(answer.status)) {
        io.stderr(`${PREFIX} warning: not trying the remaining files; the server would refuse them the same way`);
        break;
      }
    } catch (error) {
      io.stderr(`${PREFIX} warning: ${file.displayPath} not uploaded: ${describeNetworkError(error)}`);
    }
  }
  return { failed: files.length - uploaded, ids };
}

/** Token mode: the PR comment from the run's verdict, when a GitHub token is given; failures are warnings. */
async function githubTokenMode(
  flagToken: string | undefined,
  plan: ReadyPlan,
  io: CommandIO,
  deps: SendDeps,
): Promise<void> {
  const target = githubCommentTarget(flagToken, plan, io.env);
  if (target === undefined) return;
  if (typeof target === "string") return void io.stderr(`${PREFIX} warning: ${target}`);
  try {
    io.stdout(`${PREFIX} ${await commentOnPullRequest(plan, target, deps)}`);
  } catch (error) {
    io.stderr(`${PREFIX} warning: PR comment not posted: ${(error as Error).message}`);
  }
}

/** Reads and gzips one file; a file that cannot be read is warned about and skipped. */
async function prepare(file: ReportFile, io: CommandIO) {
  try {
    const raw = await readFile(file.path);
    const gzipped = new Uint8Array(gzipSync(raw));
    const summary = `${file.displayPath} (${formatBytes(raw.length)}, ${formatBytes(gzipped.length)} gzipped)`;
    return { gzipped, summary };
  } catch (error) {
    io.stderr(`${PREFIX} warning: cannot read ${file.displayPath}: ${(error as Error).message}`);
    return undefined;
  }
}

async function printDryRun(plan: UploadPlan, files: ReportFile[], io: CommandIO): Promise<void> {
  const url = reportsUrl(plan.server ? redactUrl(plan.server) : "<server>", plan.project ?? "<project>", plan.metadata);
  io.stdout(`${PREFIX} dry run: would POST ${url}`);
  io.stdout(`${PREFIX}   with Authorization: Bearer *** and Content-Encoding: gzip, one request per file:`);
  for (const file of files) {
    const prepared = await prepare(file, io);
    if (prepared) io.stdout(`${PREFIX}   ${prepared.summary} as ${contentTypeFor(file.path)}`);
  }
  if (files.length === 0) io.stdout(`${PREFIX}   (no files)`);
}

/**
 * Configuration mistakes stop the upload. With --fail-on-error they are usage errors (exit 2); without
 * it they are warnings and the exit code is 0, because a reporting tool must not fail a green build.
 */
function configurationFailure(problems: string[], failOnError: boolean, io: CommandIO): number {
  if (failOnError) throw new UsageError(problems.join("; "));
  for (const problem of problems) io.stderr(`${PREFIX} warning: ${problem}`);
  io.stderr(`${PREFIX} nothing uploaded; exiting 0 so the build is not failed (pass --fail-on-error to fail it)`);
  return 0;
}
