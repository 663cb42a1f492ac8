/** The policy's decisions, pure: should automation quarantine a test, and may a quarantined test go. */
import type { Observation, Verdict } from "../model/verdict.ts";
import type { Policy } from "./policy.ts";
import { wilsonHigh } from "./stats.ts";
import { inCommitOrder } from "./order.ts";

const DAY = 86_400_000;

/** A test as the policy sees it. */
export interface PolicyTest {
  testId: string;
  suite: string;
  name: string;
  file: string;
  verdict: Verdict;
  /** Its observations, oldest first. */
  history: Observation[];
}

/** The answer for one test; `reason` is said in the audit log either way. */
export interface Decision {
  quarantine: boolean;
  reason: string;
}

/** `*` any run of characters, `?` one; everything else literal. Case-sensitive, like test names. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*+/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** The exempt glob matching a test's suite, name, file or `suite::name`, if any. */
export function exemptBy(policy: Policy, t: { suite: string; name: string; file: string }): string | undefined {
  const keys = [t.suite, t.name, t.file, `${t.suite}::${t.name}`].filter((k) => k !== "");
  return policy.exempt.find((g) => {
    const re = globToRegExp(g);
    return keys.some((k) => re.test(k));
  });
}

/** Whether an observation's branch is watched; one without branch or PR is the default branch's. */
export function watched(policy: Policy, o: Observation, defaultBranch: string): boolean {
  if (policy.branches.length === 0) return true;
  const branch = o.branch ?? (o.pr ? null : defaultBranch);
  return branch !== null && policy.branches.some((g) => globToRegExp(g).test(branch));
}

const counted = (o: Observation) => !o.incident && o.outcome !== "skipped";
const failed = (o: Observation) => o.retriedPass || o.outcome === "failed" || o.outcome === "error";

/**
 * Runs in the window, and the separate failure episodes within the lookback on watched branches: a
 * failure after a pass of the same variant starts one; consecutive failures are one (a regression fails
 * on every commit until it is fixed, a flaky test fails now and then); a retry that passed is one.
 * Episodes starting at one commit are one (a regression starts failing on every OS at once); each branch
 * is followed on its own.
 */
export function policyEvidence(
  policy: Policy,
  history: Observation[],
  defaultBranch: string,
  now: number,
): { runs: number; failureEpisodes: number } {
  const recent = history.filter((o) => counted(o) && watched(policy, o, defaultBranch)).slice(-policy.window);
  const since = now - policy.lookbackDays * DAY;
  // Each branch and variant is its own timeline: a pull request's passing run (based on an older commit)
  // between two failing runs of a broken main does not split main's one episode in two.
  const failing = new Map<string, boolean>(); // branch and variant → its last run failed
  const starts = new Set<string>(); // the commit (or report) each episode started at
  for (const o of inCommitOrder(recent)) {
    const line = `${o.branch ?? o.pr ?? ""}\u0000${o.variant}`;
    const isFailure = failed(o) && !o.retriedPass;
    if (o.receivedAt >= since && (o.retriedPass || (isFailure && !failing.get(line))))
      starts.add(o.commit ?? `report:${o.reportId}`);
    failing.set(line, isFailure);
  }
  return { runs: recent.length, failureEpisodes: starts.size };
}

/** Should automation quarantine this test now? Never a broken test, an exempt one, or one a person released recently. */
export function autoQuarantineDecision(
  policy: Policy,
  t: PolicyTest,
  ctx: { defaultBranch: string; now: number; vetoUntil: number | null; releasedAt?: number | null },
): Decision {
  const v = t.verdict;
  const no = (reason: string): Decision => ({ quarantine: false, reason });
  if (!policy.autoQuarantine) return no("automatic quarantine is off");
  if (v.status !== "flaky") return no(`verdict is ${v.status}`);
  const glob = exemptBy(policy, t);
  if (glob) return no(`exempt by '${glob}'`);
  if (ctx.vetoUntil !== null && ctx.vetoUntil > ctx.now)
    return no(`released by a person; automation waits until ${new Date(ctx.vetoUntil).toISOString()}`);
  // A test released once (its passes convinced the release rule, or its expiry came) comes back only for a
  // new failure: its verdict may stay flaky on old evidence, which must not flip it in and out every rescore.
  const releasedAt = ctx.releasedAt ?? null;
  if (releasedAt !== null && !t.history.some((o) => o.receivedAt > releasedAt && counted(o) && failed(o))) {
    return no(`released at ${new Date(releasedAt).toISOString()}; no failure since`);
  }
  if (v.score < policy.threshold) return no(`score ${v.score.toFixed(2)} below the threshold ${policy.threshold}`);
  const e = policyEvidence(policy, t.history, ctx.defaultBranch, ctx.now);
  if (e.runs < policy.minRuns) return no(`${e.runs} runs, fewer than ${policy.minRuns}`);
  if (e.failureEpisodes < policy.minFailures) {
    return no(
      `${e.failureEpisodes} separate failure episodes in ${policy.lookbackDays} days, fewer than ${policy.minFailures}`,
    );
  }
  return {
    quarantine: true,
    reason: `flaky (score ${v.score.toFixed(2)} ≥ ${policy.threshold}), ${e.failureEpisodes} separate failure episodes in ${e.runs} runs`,
  };
}

/** The release rule's numbers: counted runs after the quarantine began (not the report that caused it), failures, and the failure rate's 95 % upper bound. */
export function releaseEvidence(
  policy: Policy,
  history: Observation[],
  since: number,
  defaultBranch: string,
): { runs: number; failures: number; high: number } {
  const after = history.filter((o) => o.receivedAt > since && counted(o) && watched(policy, o, defaultBranch));
  const failures = after.filter(failed).length;
  return { runs: after.length, failures, high: wilsonHigh(failures, after.length) };
}

/**
 * May a quarantined test go? Once the upper bound of its failure rate since quarantine falls below
 * `releaseRate` — a statistical rule, so a 1-in-10 flake is not released after three lucky passes.
 */
export function releaseDecision(
  policy: Policy,
  history: Observation[],
  since: number,
  defaultBranch: string,
): Decision {
  const e = releaseEvidence(policy, history, since, defaultBranch);
  const said = `${e.failures} failures in ${e.runs} runs since quarantine; failure rate at most ${(e.high * 100).toFixed(1)} % (95 %)`;
  return e.runs > 0 && e.high < policy.releaseRate
    ? { quarantine: false, reason: `${said}, below ${(policy.releaseRate * 100).toFixed(1)} %` }
    : { quarantine: true, reason: said };
}
