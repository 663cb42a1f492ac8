/** A project's quarantine policy: its type, defaults, and parsing (FlakeGuard keys and legacy `.flakeguard.yml` keys). */

/** How a quarantined test is handled by the runner: `mute` runs it and ignores a failure, `skip` does not run it. */
export type QuarantineMode = "mute" | "skip";

/** What automation may do, per project. */
export interface Policy {
  /** Quarantine flaky tests automatically after each rescore. */
  autoQuarantine: boolean;
  /** Lowest verdict score that quarantines a flaky test. */
  threshold: number;
  /** A quarantined test is released once the 95 % upper bound of its failure rate is below this. */
  releaseRate: number;
  /** Counted runs a test needs before automation may quarantine it. */
  minRuns: number;
  /** Distinct commits (within `lookbackDays`) on which it must have failed. */
  minFailures: number;
  /** Most active quarantines a project may have that automation added. */
  cap: number;
  /** Days until a quarantine expires and the test is released (and re-evaluated). */
  expiryDays: number;
  /** Days after a human release during which automation does not re-quarantine the test. */
  vetoDays: number;
  /** How far back failures count towards `minFailures`. */
  lookbackDays: number;
  /** The most recent runs considered for `minRuns` and `minFailures`. */
  window: number;
  /** Branch globs whose runs count as evidence; empty means every branch. */
  branches: string[];
  /** Globs on suite, name, file or `suite::name`: never quarantined automatically. */
  exempt: string[];
  /** The mode of automatic quarantines. */
  mode: QuarantineMode;
}

/** Defaults: conservative enough that a 1-in-20 flake with retries is caught, a regression never. */
export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  autoQuarantine: true,
  threshold: 0.5,
  releaseRate: 0.1,
  minRuns: 5,
  minFailures: 2,
  cap: 25,
  expiryDays: 30,
  vetoDays: 30,
  lookbackDays: 30,
  window: 200,
  branches: [],
  exempt: [],
  mode: "mute",
});

type Check = (v: unknown) => string | undefined;
const num =
  (min: number, max: number, int = false): Check =>
  (v) =>
    typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))
      ? `must be ${int ? "an integer" : "a number"} from ${min} to ${max}`
      : undefined;
const bool: Check = (v) => (typeof v === "boolean" ? undefined : "must be true or false");
const globs: Check = (v) =>
  Array.isArray(v) && v.length <= 500 && v.every((s) => typeof s === "string" && s.length > 0 && s.length <= 500)
    ? undefined
    : "must be a list of non-empty strings";
const mode: Check = (v) => (v === "mute" || v === "skip" ? undefined : "must be 'mute' or 'skip'");

const CHECKS: Record<keyof Policy, Check> = {
  autoQuarantine: bool,
  threshold: num(0, 1),
  releaseRate: num(0.001, 1),
  minRuns: num(1, 100_000, true),
  minFailures: num(1, 100_000, true),
  cap: num(0, 100_000, true),
  expiryDays: num(1, 3650, true),
  vetoDays: num(0, 3650, true),
  lookbackDays: num(1, 3650, true),
  window: num(5, 200, true),
  branches: globs,
  exempt: globs,
  mode,
};

/** The original FlakeGuard's `.flakeguard.yml` keys and the policy key each sets. */
export const LEGACY_KEYS: Readonly<Record<string, keyof Policy>> = {
  flaky_threshold: "threshold",
  warn_threshold: "releaseRate",
  min_occurrences: "minRuns",
  min_recent_failures: "minFailures",
  lookback_days: "lookbackDays",
  rolling_window_size: "window",
  exempted_tests: "exempt",
  exclude_paths: "exempt",
  auto_quarantine_enabled: "autoQuarantine",
  quarantine_duration_days: "expiryDays",
};

/** The outcome of parsing a policy body: the policy, or the problems naming each key. */
export type PolicyParse = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/**
 * Parses a policy body over `base`: FlakeGuard keys and legacy keys may be mixed; `exempted_tests` and
 * `exclude_paths` add to `exempt` (both are globs never quarantined). Unknown keys are errors, named.
 */
export function parsePolicy(body: unknown, base: Readonly<Policy> = DEFAULT_POLICY): PolicyParse {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { ok: false, errors: ["the policy must be a JSON object"] };
  const out: Policy = { ...base, branches: [...base.branches], exempt: [...base.exempt] };
  const errors: string[] = [];
  const unknown: string[] = [];
  const legacyExempt: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const target = key in CHECKS ? (key as keyof Policy) : LEGACY_KEYS[key];
    if (!target) {
      unknown.push(key);
      continue;
    }
    const problem = CHECKS[target](value);
    if (problem) {
      errors.push(`${key} ${problem}`);
      continue;
    }
    if (key === "exempted_tests" || key === "exclude_paths") legacyExempt.push(...(value as string[]));
    else (out as unknown as Record<string, unknown>)[target] = Array.isArray(value) ? [...value] : value;
  }
  if (unknown.length > 0) errors.unshift(`unknown policy key${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  if (errors.length > 0) return { ok: false, errors };
  if (legacyExempt.length > 0) out.exempt = [...new Set([...out.exempt, ...legacyExempt])];
  return { ok: true, policy: out };
}

/** A stored policy (possibly older, with fewer keys) over the defaults; bad stored values fall back to them. */
export function storedPolicy(stored: Record<string, unknown> | undefined): Policy {
  if (!stored) return { ...DEFAULT_POLICY };
  const known = Object.fromEntries(Object.entries(stored).filter(([k]) => k in CHECKS));
  const parsed = parsePolicy(known);
  return parsed.ok ? parsed.policy : { ...DEFAULT_POLICY };
}
