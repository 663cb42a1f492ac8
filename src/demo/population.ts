/** The simulated test population: names, suites, the job each runs in, and what each test really is. */
import type { Random } from "./random.ts";
import { testKey, type TestTruth } from "./types.ts";

/** The CI jobs of every run (one per OS each); outages hit the integration jobs, which need a database. */
export const JOBS = ["unit 1/4", "unit 2/4", "unit 3/4", "unit 4/4", "integration 1/2", "integration 2/2"] as const;

/** One simulated test. `regression` is in main-commit indices: failing from `from` until `to`. */
export interface SimTest {
  key: string;
  suite: string;
  name: string;
  file: string;
  job: string;
  truth: TestTruth;
  regression?: { from: number; to: number; os?: string };
  /** One-commit breaks: the main-commit indices it fails on, on every execution. */
  breaksAt?: number[];
  /** PHPUnit/Selenium style: the testcase sits in a nested suite of this name and carries no classname. */
  inner?: string;
  /** Skipped on every run (a parameterized test's disabled first invocation). */
  alwaysSkipped?: boolean;
  /** Flaky tests only: the main-commit index whose code fixed the flakiness (it never fails after). */
  flakeFixedAt?: number;
  /** Which failure text this test prints when it flakes (tests fail for their own reasons). */
  cause: number;
}

const MODULES = [
  "billing",
  "auth",
  "cart",
  "search",
  "orders",
  "inventory",
  "payments",
  "users",
  "shipping",
  "catalog",
];
const CLASSES = ["Service", "Controller", "Repository", "Validator", "Client", "Formatter", "Scheduler", "Cache"];
const VERBS = [
  "returns",
  "rejects",
  "creates",
  "updates",
  "deletes",
  "renders",
  "caches",
  "retries",
  "parses",
  "validates",
];
const OBJECTS = [
  "the order",
  "an empty cart",
  "a session token",
  "the invoice",
  "a refund",
  "the profile",
  "search results",
  "a webhook",
  "a coupon",
];
const CONDITIONS = [
  "when missing",
  "on timeout",
  "for admins",
  "with unicode input",
  "after expiry",
  "in bulk",
  "twice",
  "concurrently",
  "by default",
];

/** Failure rates spread log-uniformly from 1 % to 40 % (so rare flakes are as common as they are in life). */
export function spreadRates(count: number): number[] {
  if (count === 1) return [0.1];
  return Array.from({ length: count }, (_, i) => Math.round(0.01 * 40 ** (i / (count - 1)) * 10_000) / 10_000);
}

/** Builds `total` tests in suites of 5–12, assigns jobs, then kinds (pr-broken tests are chosen later). */
export function buildPopulation(rng: Random, total: number, commits: number, oses: string[]): SimTest[] {
  const tests: SimTest[] = [];
  const suites = new Set<string>();
  const names = new Set<string>();
  const counts = kindCounts(total);
  // Parameterized and browser twins are added later, so that there are `total` tests in all.
  const base = total - counts.parameterized - counts.browserPairs;
  while (tests.length < base) {
    let suite = `${rng.pick(MODULES)}.${rng.pick(CLASSES)}Test`;
    while (suites.has(suite)) suite = suite.replace(/(\d*)Test$/, (_, n: string) => `${Number(n || 1) + 1}Test`);
    suites.add(suite);
    const job = JOBS[suites.size % JOBS.length];
    const file = `test/${suite.replace(".", "/")}.ts`;
    for (let i = rng.int(5, 12); i > 0 && tests.length < base; i--) {
      let name = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)} ${rng.pick(CONDITIONS)}`;
      for (let n = 2; names.has(testKey(suite, name)); n++) name = name.replace(/( #\d+)?$/, ` #${n}`);
      names.add(testKey(suite, name));
      tests.push({
        key: testKey(suite, name),
        suite,
        name,
        file,
        job,
        truth: { kind: "healthy" },
        cause: rng.int(0, 4),
      });
    }
  }
  assignKinds(rng, tests, commits, oses, counts);
  return tests;
}

/** How many tests of each planted kind: a few percent each, at least two so every kind shows up. */
export function kindCounts(total: number): {
  flaky: number;
  flakyVariant: number;
  regression: number;
  oneCommitBreak: number;
  prBroken: number;
  parameterized: number;
  browserPairs: number;
} {
  const share = (p: number) => Math.max(2, Math.round(total * p));
  return {
    flaky: share(0.12),
    flakyVariant: share(0.05),
    regression: share(0.04),
    oneCommitBreak: share(0.04),
    prBroken: share(0.04),
    parameterized: share(0.03),
    browserPairs: share(0.02),
  };
}

function assignKinds(
  rng: Random,
  tests: SimTest[],
  commits: number,
  oses: string[],
  counts: ReturnType<typeof kindCounts>,
): void {
  const order = rng.shuffle(tests);
  let next = 0;
  for (const rate of rng.shuffle(spreadRates(counts.flaky))) order[next++].truth = { kind: "flaky", rate };
  for (const rate of rng.shuffle(spreadRates(counts.flakyVariant))) {
    order[next++].truth = { kind: "flaky-variant", rate, variant: `os=${rng.pick(oses)}` };
  }
  for (let i = 0; i < counts.regression; i++) {
    const test = order[next++];
    const from = rng.int(Math.min(5, commits - 2), Math.max(5, commits - 15));
    // A third of regressions break on one OS only: a trap for rules that count any pass/fail pair on a commit.
    const os = i % 3 === 2 ? rng.pick(oses) : undefined;
    test.regression = { from, to: Math.min(commits, from + rng.int(3, 10)), os };
    test.truth = { kind: "regression", ...(os ? { variant: `os=${os}` } : {}) };
  }
  for (let i = 0; i < counts.oneCommitBreak; i++) {
    const test = order[next++];
    test.breaksAt = breakCommits(rng, commits, rng.int(1, 3));
    test.truth = { kind: "one-commit-break" };
  }
  for (let i = 0; i < counts.prBroken; i++) order[next++].truth = { kind: "pr-broken" };
  addInvocations(rng, tests, counts.parameterized);
  addBrowserTwins(rng, tests, counts.browserPairs);
}

/**
 * The same class run in two browsers (PHPUnit/Selenium): suites "X: chrome" and "X: firefox", each around
 * a same-named inner suite whose testcases carry no classname. A planted test moves to Firefox and gets a
 * healthy Chrome twin: only the suite path tells them apart.
 */
function addBrowserTwins(rng: Random, tests: SimTest[], count: number): void {
  const planted = rng.shuffle(
    tests.filter((t) => ["regression", "one-commit-break", "flaky"].includes(t.truth.kind) && !t.truth.invocation),
  );
  for (const test of planted.slice(0, count)) {
    const base = `e2e.${test.suite.replace(/Test$/, "")}FlowTest`;
    const inner = `${base}::${test.name}`;
    const twin: SimTest = {
      ...test,
      suite: `${base}: chrome`,
      inner,
      truth: { kind: "healthy" },
      regression: undefined,
      breaksAt: undefined,
      cause: 0,
    };
    twin.key = testKey(`${twin.suite} > ${inner}`, test.name);
    test.suite = `${base}: firefox`;
    test.inner = inner;
    test.key = testKey(`${test.suite} > ${inner}`, test.name);
    tests.splice(tests.indexOf(test), 0, twin);
  }
}

// 1–3 main commits, at least three apart, each broken on every execution and fixed by the next commit.
function breakCommits(rng: Random, commits: number, count: number): number[] {
  const at: number[] = [];
  for (let tries = 0; at.length < count && tries < 50; tries++) {
    const c = rng.int(3, commits - 2);
    if (at.every((a) => Math.abs(a - c) >= 3)) at.push(c);
  }
  return at.sort((a, b) => a - b);
}

/**
 * Parameterized tests (a TestNG data provider, a JUnit 5 @ParameterizedTest without display names): a
 * planted test becomes the second invocation of a testcase name, after a healthy (or always skipped) first
 * invocation in the same report. Passed-then-failed under one name is no retry: a fold that calls it one
 * test makes it flaky from a single report.
 */
function addInvocations(rng: Random, tests: SimTest[], count: number): void {
  const planted = rng.shuffle(tests.filter((t) => ["regression", "one-commit-break", "flaky"].includes(t.truth.kind)));
  for (const test of planted.slice(0, count)) {
    const first: SimTest = {
      ...test,
      truth: { kind: "healthy" },
      regression: undefined,
      breaksAt: undefined,
      cause: 0,
      alwaysSkipped: rng.chance(0.5),
    };
    test.key = testKey(test.suite, `${test.name} [2]`);
    test.truth = { ...test.truth, invocation: 2 };
    tests.splice(tests.indexOf(test), 0, first);
  }
}

/**
 * Marks `share` of the flaky tests (every few, by key order, so no random draw shifts the rest of the
 * history) as fixed at 60 % of the main history: the case a quarantine must let go of again.
 */
export function planFlakeFixes(tests: SimTest[], commits: number, share: number): void {
  if (share <= 0) return;
  const flaky = tests.filter((t) => t.truth.kind === "flaky").sort((a, b) => (a.key < b.key ? -1 : 1));
  const step = 1 / Math.min(1, share);
  for (let i = 0; i < flaky.length; i += step) flaky[Math.floor(i)].flakeFixedAt = Math.floor(commits * 0.6);
}
