/** What a cluster rests on, and the same in plain words: together and alone, shared failures, where. */
import type { ClusterPlace } from "../model/cluster.ts";
import type { Reports } from "./cluster-reports.ts";
import { CONCENTRATION_LIFT, CONCENTRATION_SHARE } from "./cluster-constants.ts";

/** The figures behind a cluster. */
export interface ClusterStats {
  size: number;
  suites: number;
  /** Reports (run, job, attempt, variant) in which two or more members failed, and in which any did. */
  coFailures: number;
  failures: number;
  /** Co-failures weighted by age as verdict evidence is (halving every 14 days). */
  weight: number;
  lastCoFailureAt: number | null;
  /** The failure fingerprints most co-failures share (in how many co-failure reports a member failed so), top 3. */
  fingerprints: { fingerprint: string; reports: number }[];
  where: ClusterPlace[];
}

const HOURS = 6;

/** The figures of a group of members (`indexes`: theirs in `reports`; `suites`: theirs), from the places they failed at. */
export function clusterStats(
  suites: readonly string[],
  indexes: readonly number[],
  reports: Reports,
  weights: Float64Array,
): ClusterStats {
  const failing = new Map<number, number[]>(); // place → the members (their indexes in `reports`) failing there
  for (const t of indexes) for (const p of reports.failuresOf(t)) failing.set(p, [...(failing.get(p) ?? []), t]);
  let coFailures = 0;
  let weight = 0;
  let last: number | null = null;
  const fingerprints = new Map<string, number>();
  const places = newPlaces();
  for (const [p, who] of failing) {
    if (who.length < 2) continue;
    coFailures++;
    weight += weights[p];
    last = Math.max(last ?? reports.at[p], reports.at[p]);
    const seen = new Set<string>();
    for (const m of who) {
      const fp = reports.fingerprintAt(m, p);
      if (fp !== null) seen.add(fp);
    }
    for (const fp of seen) bump(fingerprints, fp);
    notePlace(places, reports, p);
  }
  // Where the members ran at all: a place is named only when it holds more of the co-failures than of the runs.
  const ran = newPlaces();
  const everywhere = reports.ranByAny(indexes);
  for (const p of everywhere) notePlace(ran, reports, p);
  const where: ClusterPlace[] = [];
  for (const kind of ["variant", "job", "hours"] as const) {
    const [value, n] = top(places[kind])[0] ?? ["", 0];
    const share = n / coFailures;
    const usual = (ran[kind].get(value) ?? 0) / Math.max(1, everywhere.length);
    if (n > 0 && share >= CONCENTRATION_SHARE && share - usual >= CONCENTRATION_LIFT)
      where.push({ kind, value, reports: n });
  }
  return {
    size: indexes.length,
    suites: new Set(suites).size,
    coFailures,
    failures: failing.size,
    weight,
    lastCoFailureAt: last,
    fingerprints: top(fingerprints)
      .slice(0, 3)
      .map(([fingerprint, n]) => ({ fingerprint, reports: n })),
    where,
  };
}

/**
 * "8 tests in 5 suites failed together in 23 of the 31 reports where any of them failed (alone in 8), all with
 * `ECONNRESET …`, 19 of them on os=windows". `messages` names fingerprints by their failure message.
 */
export function explainCluster(stats: ClusterStats, messages: ReadonlyMap<string, string> = new Map()): string {
  const { size, suites, coFailures, failures } = stats;
  const parts = [
    `${size} tests in ${suites} ${suites === 1 ? "suite" : "suites"} failed together in ${coFailures} of the ${failures} reports where any of them failed` +
      (failures > coFailures ? ` (one alone in ${failures - coFailures})` : ""),
  ];
  const shared = stats.fingerprints[0];
  if (shared && shared.reports >= CONCENTRATION_SHARE * coFailures) {
    const message = messages.get(shared.fingerprint);
    const named = message ? `\`${oneLine(message)}\`` : `failure fingerprint ${shared.fingerprint.slice(0, 12)}`;
    parts.push(`${shared.reports === coFailures ? "all" : `${shared.reports} of them`} with ${named}`);
  }
  for (const place of stats.where) {
    const count = place.reports === coFailures ? "all" : `${place.reports} of them`;
    const at =
      place.kind === "variant"
        ? `on ${place.value}`
        : place.kind === "job"
          ? `in job ${place.value}`
          : `between ${place.value}`;
    parts.push(`${count} ${at}`);
  }
  return parts.join(", ");
}

type Places = Record<ClusterPlace["kind"], Map<string, number>>;

function newPlaces(): Places {
  return { variant: new Map(), job: new Map(), hours: new Map() };
}

function notePlace(places: Places, reports: Reports, p: number): void {
  if (reports.variant[p] !== "") bump(places.variant, reports.variant[p]);
  if (reports.job[p] !== null) bump(places.job, reports.job[p] as string);
  const start = Math.floor(new Date(reports.at[p]).getUTCHours() / HOURS) * HOURS;
  bump(places.hours, `${pad(start)}:00–${pad(start + HOURS)}:00 UTC`);
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

// Most first, ties by key: the same figures always read the same.
function top(map: Map<string, number>): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function pad(hour: number): string {
  return String(hour).padStart(2, "0");
}

function oneLine(message: string): string {
  const first = message.split("\n")[0].trim();
  return first.length > 80 ? `${first.slice(0, 77)}…` : first;
}
