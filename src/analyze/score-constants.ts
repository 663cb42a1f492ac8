/** The constants of detection, each with the reason for its value (docs/detection.md explains them). */

const DAY = 24 * 60 * 60 * 1000;

/** History weight halves every two weeks: a few sprints of changes; older runs say little about today's code. */
export const HALF_LIFE_MS = 14 * DAY;

/** Fewer counted runs than this and no direct evidence: too early to call a test healthy, so `new`. */
export const MIN_RUNS = 5;

/**
 * A retry that passed is the test failing and passing on the same code in the same job: the strongest
 * evidence there is. One is enough for `flaky`; the weight only ranks it and fades with age.
 */
export const RETRY_WEIGHT = 0.6;

/** Passed and failed on one commit in one variant (jobs, shards, job re-runs): nearly as strong as a retry. */
export const SAME_COMMIT_WEIGHT = 0.5;

/**
 * Passed on one variant and failed on another at the same commit: a test can fail on Windows only for a
 * real reason, so this raises the score but never makes a test flaky on its own.
 */
export const CROSS_VARIANT_WEIGHT = 0.2;

/**
 * History alone calls a test flaky only when its failure rate is surely (95 % lower bound) above 1 %:
 * below that, a handful of failures cannot be told from bad luck; direct evidence catches rarer flakes.
 */
export const HISTORY_FLOOR = 0.01;

/** History needs failures at this many separate times, with passes between: one stretch is a regression. */
export const MIN_EPISODES = 2;

/**
 * A failure episode on the default branch with passing runs on the same variant before and after is an
 * *isolated failure*: no step change explains it. This many on one variant in the last half-life (14 days)
 * call a test flaky, whatever its rate. Not two or three: with one execution per commit (no retry, no second
 * job or variant to show the failure was deterministic) a break fixed by the next commit looks the same, and
 * such breaks recur (bench:accuracy --profile no-retry, seeds 1–5, tests that broke 1–3 times: 26 called
 * flaky with three, none with four; recall 0.956 → 0.937). A test fixed after a one-commit break four
 * times in two weeks, one execution each, is still called flaky.
 */
export const MIN_ISOLATED = 4;
/** Score weight of one isolated failure (they count only once there are `MIN_ISOLATED`). */
export const ISOLATED_WEIGHT = 0.3;

/** A step change is at least this many failures in a row on the default branch (and in ≥ 2 runs). */
export const BROKEN_MIN_STREAK = 3;
/** …and at most this many: a test that fails nearly always is broken whatever its past. */
export const BROKEN_MAX_STREAK = 10;
/**
 * …and long enough that the test's own past failure rate would produce it by chance less than 1 % of the
 * time anywhere in its runs so far (the chance is shared out over those runs: a long history has many tries).
 */
export const BROKEN_CHANCE = 0.01;

/**
 * A failure at a commit is *deterministic* when the test failed on every execution there (in-run retries,
 * jobs, variants, job re-runs) and there were at least this many: a break, not a flake, however short.
 */
export const DETERMINISTIC_MIN_EXECUTIONS = 2;
/**
 * …and when a flake at the test's own failure rate (per execution, outside such commits) would fail all of
 * them at once less often than this: at 5 % four failures together are 1 in 160,000, at 40 % they are common.
 */
export const DETERMINISTIC_CHANCE = 0.01;

/** Evidence items kept per kind, newest first: the UI shows examples, the counts tell the rest. */
export const EVIDENCE_PER_KIND = 5;
/** Evidence items kept on a verdict in all. */
export const MAX_EVIDENCE = 12;
