/** What a cluster rests on, and the same in plain words: together and alone, shared failures, where. */
import type { ClusterPlace } from "../model/cluster.ts";
import type { Reports } from "./cluster-reports.ts";
import { CONCENTRATION_LIFT, CONCENTRATION_MIN_REPORTS, CONCENTRATION_SHARE } from "./cluster-constants.ts";

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
  /** Per co-failure report, the distinct fingerprints of the members' failures there (sharedFailures reads them). */
  prints: string[][];
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
  const prints: string[][] = [];
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
    prints.push([...seen].sort());
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
    if (coFailures >= CONCENTRATION_MIN_REPORTS && share >= CONCENTRATION_SHARE && share - usual >= CONCENTRATION_LIFT)
      where.push({ kind, value, reports: n });
  }
  return {
    size: indexes.length,
    suites: new Set(suites).size,
    coFailures,
    failures: failing.size,
    weight,
    lastCoFailureAt: last,
    prints,
    where,
  };
}

/** A failure the co-failures share: one fingerprint, or one message over several (each test's stack differs). */
export interface SharedFailure {
  fingerprint: string;
  message: string | null;
  reports: number;
}

/**
 * The failures most co-failure reports share, top 3: fingerprints grouped by their message with numbers and
 * addresses masked (a test's own stack makes its own fingerprint of the same ECONNRESET), else by fingerprint.
 */
export function sharedFailures(stats: ClusterStats, messages: ReadonlyMap<string, string>): SharedFailure[] {
  const byKey = new Map<string, { fingerprint: string; message: string | null; reports: number }>();
  for (const place of stats.prints) {
    const keys = new Set<string>();
    for (const fp of place) {
      const message = messages.get(fp);
      const key = message ? `m:${maskMessage(message)}` : `f:${fp}`;
      if (keys.has(key)) continue;
      keys.add(key);
      const entry = byKey.get(key) ?? { fingerprint: fp, message: message ? oneLine(message) : null, reports: 0 };
      entry.reports++;
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()]
    .sort((a, b) => b.reports - a.reports || (a.fingerprint < b.fingerprint ? -1 : 1))
    .slice(0, 3);
}

// A message's first line without what varies between occurrences: numbers, hex, timestamps, ports.
function maskMessage(message: string): string {
  return oneLine(message)
    .replace(/0x[0-9a-f]+/gi, "<hex>")
    .replace(/\d+/g, "<n>")
    .toLowerCase();
}

/**
 * "8 tests in 5 suites failed together in 23 of the 31 reports where any of them failed (alone in 8), all with
 * `ECONNRESET …`, 19 of them on os=windows": `shared` are its sharedFailures.
 */
export function explainCluster(stats: ClusterStats, shared: readonly SharedFailure[] = []): string {
  const { size, suites, coFailures, failures } = stats;
  const parts = [
    `${size} tests in ${suites} ${suites === 1 ? "suite" : "suites"} failed together in ${coFailures} of the ${failures} reports where any of them failed` +
      (failures > coFailures ? ` (one alone in ${failures - coFailures})` : ""),
  ];
  const [first] = shared;
  if (first && first.reports >= CONCENTRATION_SHARE * coFailures) {
    const named = first.message ? `\`${first.message}\`` : `failure fingerprint ${first.fingerprint.slice(0, 12)}`;
    parts.push(`${first.reports === coFailures ? "all" : `${first.reports} of them`} with ${named}`);
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
