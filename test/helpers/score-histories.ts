/** Hand-made histories for the scoring tests: one character per report, oldest first. */
import type { Observation, ScoringContext } from "../../src/model/verdict.ts";

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
export const NOW = Date.UTC(2025, 0, 31);
export const ctx: ScoringContext = { defaultBranch: "main", now: NOW };

/** One observation with everything defaulted: a pass on main, variant "". */
export function obs(over: Partial<Observation>): Observation {
  return {
    reportId: "r",
    run: "1",
    job: "test",
    jobAttempt: 1,
    commit: "c0ffee0000",
    branch: "main",
    pr: null,
    variant: "",
    receivedAt: NOW - HOUR,
    outcome: "passed",
    retriedPass: false,
    attempts: 1,
    fingerprint: null,
    incident: false,
    ...over,
  };
}

export interface LineOptions {
  /** Run ids and commits are made unique by this prefix. */
  id?: string;
  variant?: string;
  branch?: string | null;
  pr?: string | null;
  /** Time of the last report, and the gap between reports. */
  end?: number;
  every?: number;
}

/**
 * A history from a pattern, one report (its own run and commit) per character:
 * P passed, F failed, E error, R failed then passed on retry, S skipped, I failed in an incident.
 */
export function line(pattern: string, o: LineOptions = {}): Observation[] {
  const { id = "m", variant = "", branch = "main", pr = null, end = NOW - HOUR, every = HOUR } = o;
  const chars = [...pattern.replace(/\s+/g, "")];
  return chars.map((c, i) =>
    obs({
      reportId: `${id}-${variant}-${i}`,
      run: `${id}${i}`,
      commit: sha(`${id}${i}`),
      variant,
      branch,
      pr,
      receivedAt: end - (chars.length - 1 - i) * every,
      outcome: c === "P" || c === "R" ? "passed" : c === "S" ? "skipped" : c === "E" ? "error" : "failed",
      retriedPass: c === "R",
      attempts: c === "R" ? 2 : 1,
      incident: c === "I",
    }),
  );
}

/** A commit-like hex id from any text, stable. */
export function sha(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h.toString(16).padStart(8, "0") + "00000000").slice(0, 12);
}

/** The same array in a seeded shuffled order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
