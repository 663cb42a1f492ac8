/**
 * `flakeguard upload --wait`: after the upload, polls each report (`GET …/reports/:id`) until its verdicts are
 * settled, printing its stage, then prints the run's verdict (`GET …/runs/:run/verdict`) and decides the exit
 * code as `flakeguard run` does: 1 when a failing test is not quarantined, 0 otherwise.
 */
import type { RunVerdict } from "../../act/run-verdict.ts";
import type { CommandIO } from "../command.ts";
import type { ReadyPlan } from "./options.ts";
import type { SendDeps } from "./send.ts";

/** How often a report is asked for its stage. */
const POLL_MS = 1_000;
/** Outside a terminal (a CI log), a progress line at most this often, unless the stage changed. */
const LOG_EVERY_MS = 5_000;
/** Polls in a row that may fail (a server restarting, a proxy's 502) before the wait gives up. */
const POLL_ERRORS_MAX = 5;
/** Failures listed one per line; the rest are counted. */
const FAILURES_LISTED = 20;

/** A report's progress as GET …/reports/:id answers it. */
interface ReportProgress {
  id: string;
  stage?: string;
  state?: string;
  scoring?: { done: number; total: number } | null;
  reason?: string | null;
  error?: { message?: string } | null;
}

/** How the wait ended: every report settled (or failed), or the time ran out (or the process was stopped). */
export interface WaitOutcome {
  settled: boolean;
  failed: { id: string; reason: string }[];
}

/** Polls the reports until each is settled or failed, or `timeoutMs` has passed; prints progress lines. */
export async function waitForReports(
  plan: ReadyPlan,
  ids: string[],
  deps: SendDeps,
  io: CommandIO,
  timeoutMs: number,
  stop: AbortSignal,
  prefix: string,
): Promise<WaitOutcome> {
  const started = deps.now();
  const pending = new Set(ids);
  const failed: { id: string; reason: string }[] = [];
  let lastLine = "";
  let lastAt = -Infinity;
  let errors = 0;
  for (;;) {
    const progress: string[] = [];
    for (const id of pending) {
      let report: ReportProgress;
      try {
        report = await getJson<ReportProgress>(plan, `reports/${encodeURIComponent(id)}`, deps);
        errors = 0;
      } catch (error) {
        if (++errors >= POLL_ERRORS_MAX) throw error;
        progress.push(`report ${id} not read (${(error as Error).message})`);
        continue;
      }
      const stage = report.stage ?? (report.state === "processed" ? "stored" : (report.state ?? "unknown"));
      if (stage === "settled") pending.delete(id);
      else if (stage === "failed") {
        pending.delete(id);
        failed.push({ id, reason: report.reason ?? report.error?.message ?? "failed" });
      } else progress.push(`report ${id} ${describeStage(stage, report.scoring)}`);
    }
    if (pending.size === 0) return { settled: true, failed };
    const line = `waiting for verdicts (${ids.length - pending.size} of ${ids.length} settled): ${progress.join("; ")}`;
    const now = deps.now();
    if (line !== lastLine && (io.tty || now - lastAt >= LOG_EVERY_MS || stageOf(line) !== stageOf(lastLine))) {
      io.stdout(`${prefix} ${line}`);
      lastLine = line;
      lastAt = now;
    }
    if (now - started >= timeoutMs || stop.aborted) return { settled: false, failed };
    try {
      await deps.sleep(POLL_MS, stop);
    } catch {
      return { settled: false, failed }; // stopped
    }
  }
}

/** "scoring 5,000 of 12,000 tests", "queued", … */
function describeStage(stage: string, scoring: ReportProgress["scoring"]): string {
  if (stage === "scoring" && scoring)
    return `scoring ${scoring.done.toLocaleString("en-US")} of ${scoring.total.toLocaleString("en-US")} tests`;
  return stage;
}

/** The line without its numbers: a change of stage is printed at once, a count going up every few seconds. */
function stageOf(line: string): string {
  return line.replace(/[\d,]+/g, "#");
}

/**
 * Prints the run's verdict: a summary, then the failures that are not quarantined. Returns the exit code
 * `flakeguard run` would give a failed command: 0 when every failing test is quarantined (or none failed), else 1.
 */
export async function printRunVerdict(plan: ReadyPlan, run: string, deps: SendDeps, io: CommandIO, prefix: string) {
  const verdict = await getJson<RunVerdict>(plan, `runs/${encodeURIComponent(run)}/verdict`, deps);
  const s = verdict.summary;
  const failing = verdict.failures.length;
  io.stdout(
    `${prefix} run ${run}: ${failing} failing test${failing === 1 ? "" : "s"}` +
      (failing === 0
        ? ""
        : ` (${s["new-failure"]} new, ${s["known-flaky"]} known flaky, ${s.incident} during an incident, ${s.quarantined} quarantined)`),
  );
  const open = verdict.failures.filter((f) => f.class !== "quarantined");
  for (const f of open.slice(0, FAILURES_LISTED)) {
    const retry = f.passedOnRetry ? ", passed on retry" : "";
    io.stdout(`${prefix}   ${f.class}${retry}: ${f.suite} › ${f.name}${f.message ? ` — ${firstLine(f.message)}` : ""}`);
  }
  if (open.length > FAILURES_LISTED) io.stdout(`${prefix}   … and ${open.length - FAILURES_LISTED} more`);
  if (open.length === 0) {
    io.stdout(`${prefix} ${failing === 0 ? "no failing test" : "every failing test is quarantined"}; exiting 0`);
    return 0;
  }
  io.stdout(`${prefix} ${open.length} failing test${open.length === 1 ? " is" : "s are"} not quarantined; exiting 1`);
  return 1;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0];
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** GETs a path under the project; throws a one-line error on a non-2xx answer or a network error. */
async function getJson<T>(plan: ReadyPlan, path: string, deps: SendDeps): Promise<T> {
  const url = `${plan.server}/api/v1/projects/${encodeURIComponent(plan.project)}/${path}`;
  const res = await deps.fetch(url, {
    headers: { authorization: `Bearer ${plan.token}`, accept: "application/json" },
    signal: AbortSignal.timeout(deps.requestTimeoutMs),
  });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
  return (await res.json()) as T;
}
