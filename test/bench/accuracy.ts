// `--clusters`: the co-failure clusters section instead (accuracy-clusters.ts: planted clusters, offline replay).
// `node test/bench/accuracy.ts [--seeds 1,2,3] [--tests N] [--commits N] [--fix-flaky SHARE] [--hourly-rescore] [--offline] [--profile no-retry] [--backends sqlite,pglite,postgres]`: how well flaky tests are told
// from broken ones and outages. For each seed a demo CI history is generated (src/demo, which knows the
// truth); FlakeGuard's verdicts (replayed through the real API) are scored beside the same-commit and
// flip-rate rules computed on the same history. Targets (issue 20): precision ≥ 0.99 and recall ≥ 0.97;
// no broken, one-commit, PR-broken or incident-only test called flaky, at the end or at any moment; the
// same verdicts on every backend; with `--profile no-retry`, precision ≥ 0.95 at recall ≥ 0.85.
// The median is also split by the tests' jobs: with in-run retries, and without. `--hourly-rescore` runs the
// scheduled full rescore at its simulated times too, as a server does (the plain replay rescores on upload only).
// `--offline` scores without the API (accuracy-offline.ts): seconds a seed, for trying rules; no quarantine figures.
import { generateHistory } from "../../src/demo/generate.ts";
import type { DemoHistory } from "../../src/demo/types.ts";
import { flipRateRule, sameCommitRule, type Detections } from "./accuracy-baselines.ts";
import { metrics, RECALL_MIN_RATE, type Metrics } from "./accuracy-metrics.ts";
import { replayOffline } from "./accuracy-offline.ts";
import { replayThroughApi, type Replay, type ReplayBackend } from "./accuracy-replay.ts";
import { fixFigures, fixLine } from "./accuracy-fixes.ts";
import { clustersSection } from "./accuracy-clusters.ts";

export { metrics, type Metrics } from "./accuracy-metrics.ts";

/** FlakeGuard's own verdicts on a history, replayed through the real API (accuracy-replay.ts). */
export async function flakeguardVerdicts(history: DemoHistory): Promise<Detections> {
  return (await replayThroughApi(history)).detections;
}

/** Issue 5's check on a replay: which truly-not-flaky tests the default quarantine policy ever hid. */
function quarantineLine(history: DemoHistory, everQuarantined: Set<string>): string {
  const by = (kind: string) => [...everQuarantined].filter((key) => history.truth[key]?.kind === kind).length;
  const flaky = [...everQuarantined].filter((key) =>
    ["flaky", "flaky-variant"].includes(history.truth[key]?.kind ?? ""),
  ).length;
  return (
    `quarantine (default policy, cap 25): ${everQuarantined.size} tests ever quarantined — ${flaky} flaky; ` +
    `hidden regressions ${by("regression")}, one-commit breaks ${by("one-commit-break")}, pull-request breaks ${by("pr-broken")}, incident-only ${by("incident-only")}, healthy ${by("healthy")}`
  );
}

/** Tests not truly flaky that FlakeGuard called flaky at any moment (the table counts the end verdicts only). */
function everFlakyLine(history: DemoHistory, everFlaky: Set<string>): string {
  const by = (kind: string) => [...everFlaky].filter((key) => history.truth[key]?.kind === kind).length;
  return (
    `called flaky at any moment, not only at the end: regressions ${by("regression")}, one-commit breaks ${by("one-commit-break")}, pull-request breaks ${by("pr-broken")}, ` +
    `incident-only ${by("incident-only")}, healthy ${by("healthy")}`
  );
}

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
};

const fmt = (value: number | null, digits = 3) => (value === null ? "—" : value.toFixed(digits));

/** One table row per detector: the figures the targets are about. */
function table(rows: [string, Metrics][]): string {
  const head = [
    "detector",
    "precision",
    "recall",
    "flaky",
    "regression",
    "one-commit",
    "PR-broken",
    "incident",
    "healthy",
    "median runs",
    "retry jobs",
    "no retry",
  ];
  const body = rows.map(([name, m]) => [
    name,
    fmt(m.precision),
    fmt(m.recall),
    String(m.called),
    String(m.falseRegression.length),
    String(m.falseOneCommit.length),
    String(m.falsePrBroken.length),
    String(m.falseIncident.length),
    String(m.falseHealthy.length),
    fmt(m.medianDetection, 1),
    fmt(m.medianRetrying, 1),
    fmt(m.medianNoRetry, 1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  return [head, ...body]
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "))
    .join("\n");
}

/** How the backends' final verdicts differ from the first one's (status or score), and what moved after settled. */
function agreementLine(replays: [ReplayBackend, Replay][]): string {
  if (replays.length === 0) return "";
  const [[first, base], ...rest] = replays;
  const differ = rest.map(([backend, r]) => {
    const keys = new Set([...base.final.keys(), ...r.final.keys()]);
    const n = [...keys].filter(
      (k) => base.final.get(k)?.status !== r.final.get(k)?.status || base.final.get(k)?.score !== r.final.get(k)?.score,
    ).length;
    return `${backend} vs ${first}: ${n} of ${keys.size} tests differ`;
  });
  const moved = replays
    .map(([backend, r]) => `${backend} ${r.movedAfterSettled.length} (scores ${r.scoreMovedAfterSettled.length})`)
    .join(", ");
  return `backends agree: ${differ.length ? differ.join("; ") : "(one backend)"}; statuses that moved in a full rescore after settled: ${moved}`;
}

/** Mean of each figure over seeds (median runs: mean of the per-seed medians). */
function average(all: Metrics[]): Metrics {
  const mean = (pick: (m: Metrics) => number | null) => {
    const values = all.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  };
  const list = (pick: (m: Metrics) => string[]) => all.flatMap(pick);
  return {
    precision: mean((m) => m.precision),
    recall: mean((m) => m.recall),
    called: Math.round(mean((m) => m.called) ?? 0),
    eligible: Math.round(mean((m) => m.eligible) ?? 0),
    falseRegression: list((m) => m.falseRegression),
    falseOneCommit: list((m) => m.falseOneCommit),
    falsePrBroken: list((m) => m.falsePrBroken),
    falseIncident: list((m) => m.falseIncident),
    falseHealthy: list((m) => m.falseHealthy),
    medianDetection: mean((m) => m.medianDetection),
    medianRetrying: mean((m) => m.medianRetrying),
    medianNoRetry: mean((m) => m.medianNoRetry),
  };
}

async function main(): Promise<void> {
  const seeds = (flag("seeds") ?? "1,2,3").split(",").map(Number);
  const size = {
    tests: flag("tests") ? Number(flag("tests")) : undefined,
    commits: flag("commits") ? Number(flag("commits")) : undefined,
    fixFlaky: flag("fix-flaky") ? Number(flag("fix-flaky")) : undefined,
    // The no-retry profile: one variant, no in-run retries, no job re-runs — one execution per commit.
    ...(flag("profile") === "no-retry" ? { oses: ["linux"], retries: false, reruns: false } : {}),
  };
  if (process.argv.includes("--clusters")) return clustersSection(seeds, size);
  const totals = new Map<string, Metrics[]>();
  const backends = (flag("backends") ?? "sqlite").split(",") as ReplayBackend[];
  for (const seed of seeds) {
    const history = generateHistory({ seed, ...size });
    const detectors: [string, Detections | null][] = [
      ["same-commit", sameCommitRule(history)],
      ["same-commit, one OS", sameCommitRule(history, { oneVariant: true })],
      ["flip-rate", flipRateRule(history)],
    ];
    let quarantine = "";
    try {
      const options = { hourlyRescore: process.argv.includes("--hourly-rescore") };
      if (process.argv.includes("--offline")) {
        const replay = await replayOffline(history, options);
        detectors.unshift(["flakeguard", replay.detections]);
        quarantine = everFlakyLine(history, replay.everFlaky);
      } else {
        const replays: [ReplayBackend, Replay][] = [];
        for (const backend of backends) {
          const replay = await replayThroughApi(history, { ...options, backend });
          replays.push([backend, replay]);
          detectors.splice(replays.length - 1, 0, [
            backends.length > 1 ? `flakeguard ${backend}` : "flakeguard",
            replay.detections,
          ]);
          const lines = [everFlakyLine(history, replay.everFlaky), quarantineLine(history, replay.everQuarantined)];
          if (size.fixFlaky) lines.push(fixLine(fixFigures(history, replay)));
          quarantine += lines.map((l) => (backends.length > 1 ? `${backend}: ${l}` : l)).join("\n") + "\n";
        }
        quarantine += agreementLine(replays);
      }
    } catch (error) {
      console.log(`flakeguard: ${(error as Error).message}`);
    }
    // A job with in-run retries shows a failing test's attempts (the simulation does not say which jobs retry).
    const failedOnce = new Set(
      history.uploads
        .filter((u) => !u.outage)
        .flatMap((u) => u.results.filter((r) => r.attempts.includes("failed")).map((r) => r.key)),
    );
    const retrying = new Set(
      history.uploads.flatMap((u) => u.results.filter((r) => r.attempts.length > 1).map((r) => r.key)),
    );
    const rows = detectors
      .filter((d): d is [string, Detections] => d[1] !== null)
      .map(([name, d]) => [name, metrics(history.truth, d, retrying, failedOnce)] as [string, Metrics]);
    for (const [name, m] of rows) totals.set(name, [...(totals.get(name) ?? []), m]);
    const kinds = Object.values(history.truth).reduce<Record<string, number>>(
      (acc, t) => ({ ...acc, [t.kind]: (acc[t.kind] ?? 0) + 1 }),
      {},
    );
    console.log(
      `\nseed ${seed}: ${history.uploads.length} reports, ${Object.keys(history.truth).length} tests ` +
        `(${Object.entries(kinds)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")}; ${rows[0]?.[1].eligible} flaky at ≥ ${RECALL_MIN_RATE * 100} %)`,
    );
    console.log(table(rows));
    if (quarantine) console.log(quarantine);
  }
  console.log(`\naverage over seeds ${seeds.join(", ")} (wrongly-flaky columns: totals)`);
  console.log(table([...totals].map(([name, all]) => [name, average(all)])));
}

if (import.meta.main) await main();
