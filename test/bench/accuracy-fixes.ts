// Issue 5's "how long does a fixed test stay quarantined": for the flaky tests the generator fixes partway
// (`--fix-flaky SHARE`), the time from the fix's push on main to the test leaving quarantine.
import type { DemoHistory } from "../../src/demo/types.ts";
import { median } from "./accuracy-metrics.ts";
import type { Replay } from "./accuracy-replay.ts";

const HOUR = 3_600_000;

/** What happened to the fixed flaky tests' quarantines. */
export interface FixFigures {
  fixed: number;
  /** Fixed tests that were in quarantine when their fix landed. */
  quarantinedAtFix: number;
  /** Hours from the fix to the release, for those released before the history ended. */
  releasedAfterHours: number[];
  /** Still quarantined when the history ended, with hours since the fix. */
  stillInAfterHours: number[];
  /** Fixed tests quarantined (again) after their fix landed: each one is a wrong quarantine. */
  quarantinedAfterFix: number;
}

/** Measures the fixed tests' quarantine spans against their fix times. */
export function fixFigures(history: DemoHistory, replay: Replay): FixFigures {
  const firstSeen = new Map<string, number>();
  for (const u of history.uploads) if (!firstSeen.has(u.meta.commit)) firstSeen.set(u.meta.commit, u.receivedAt);
  const end = history.uploads.at(-1)?.receivedAt ?? 0;
  const out: FixFigures = {
    fixed: 0,
    quarantinedAtFix: 0,
    releasedAfterHours: [],
    stillInAfterHours: [],
    quarantinedAfterFix: 0,
  };
  for (const [key, truth] of Object.entries(history.truth)) {
    if (truth.kind !== "flaky" || !truth.fixed) continue;
    out.fixed++;
    const fixAt = firstSeen.get(truth.fixed) ?? end;
    const spans = replay.quarantined.get(key) ?? [];
    const atFix = spans.find((s) => s.from <= fixAt && (s.to === null || s.to > fixAt));
    if (atFix) {
      out.quarantinedAtFix++;
      if (atFix.to === null) out.stillInAfterHours.push((end - fixAt) / HOUR);
      else out.releasedAfterHours.push((atFix.to - fixAt) / HOUR);
    }
    // The runs right after the fix still carry the unfixed code on PR branches; count only later entries.
    out.quarantinedAfterFix += spans.filter((s) => s.from > fixAt + 6 * HOUR).length;
  }
  return out;
}

/** One printable line of the figures. */
export function fixLine(f: FixFigures): string {
  const h = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} h`);
  return (
    `fixed flaky tests: ${f.fixed} fixed, ${f.quarantinedAtFix} in quarantine at their fix; released after median ` +
    `${h(median(f.releasedAfterHours))} (max ${h(f.releasedAfterHours.length ? Math.max(...f.releasedAfterHours) : null)}, ` +
    `${f.releasedAfterHours.length} released); still quarantined at the end: ${f.stillInAfterHours.length}` +
    `${f.stillInAfterHours.length ? ` (${f.stillInAfterHours.map((v) => v.toFixed(0)).join(", ")} h after the fix)` : ""}; ` +
    `quarantined again later: ${f.quarantinedAfterFix}`
  );
}
