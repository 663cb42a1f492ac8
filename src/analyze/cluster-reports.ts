/** The reports a set of flaky tests ran in, as bitsets: which ran where, which failed where, counted for a pair. */
import type { Observation } from "../model/verdict.ts";
import { isFailing } from "./evidence-commits.ts";

/**
 * Where an observation ran: its CI run, job, job attempt and variant (the report it came in, when the run is
 * unknown). Two files of one job upload are one place: failures there shared their machine and moment.
 */
export function placeKey(o: Observation): string {
  return o.run === null ? `\u0001${o.reportId}` : `${o.run}\u0000${o.job ?? ""}\u0000${o.jobAttempt}\u0000${o.variant}`;
}

/** Decayed counts of a pair over the reports both ran in, on the variants where both have failed. */
export interface PairCounts {
  ran: number;
  a: number;
  b: number;
  both: number;
}

/** The places (run, job, attempt, variant) of some tests' histories, with each test's runs and failures there. */
export class Reports {
  /** Per place: newest arrival, variant, job. */
  readonly at: number[] = [];
  readonly variant: string[] = [];
  readonly job: (string | null)[] = [];
  /** The newest arrival of all: the time every weight is measured from. */
  readonly now: number;
  private readonly ran: Uint32Array[];
  private readonly failed: Uint32Array[];
  private readonly failing: number[][];
  /** Per place its variant's number, and per test which variant numbers it failed on. */
  private readonly variantOf: number[] = [];
  private readonly failVariants: Uint8Array[];
  private readonly fingerprints: Map<number, string>[];

  constructor(histories: readonly (readonly Observation[])[]) {
    const index = new Map<string, number>();
    // A report is always one place: its key is built once per report, not once per observation.
    const byReport = new Map<string, number>();
    const variants = new Map<string, number>();
    const places = histories.map((history) =>
      history.map((o) => {
        let p = byReport.get(o.reportId);
        if (p === undefined) {
          const key = placeKey(o);
          p = index.get(key);
          if (p === undefined) {
            p = this.at.length;
            index.set(key, p);
            this.at.push(o.receivedAt);
            this.variant.push(o.variant);
            this.job.push(o.job);
            if (!variants.has(o.variant)) variants.set(o.variant, variants.size);
            this.variantOf.push(variants.get(o.variant) as number);
          }
          byReport.set(o.reportId, p);
        }
        if (o.receivedAt > this.at[p]) this.at[p] = o.receivedAt;
        return p;
      }),
    );
    this.now = this.at.reduce((a, b) => Math.max(a, b), 0);
    const words = Math.ceil(this.at.length / 32) || 1;
    this.ran = [];
    this.failed = [];
    this.failing = [];
    this.failVariants = [];
    this.fingerprints = [];
    histories.forEach((history, t) => {
      const ran = new Uint32Array(words);
      const failed = new Uint32Array(words);
      const failedOn = new Uint8Array(variants.size);
      const fingerprints = new Map<number, string>();
      history.forEach((o, n) => {
        if (o.incident || o.outcome === "skipped") return;
        const p = places[t][n];
        ran[p >>> 5] |= 1 << (p & 31);
        if (!isFailing(o) && !o.retriedPass) return;
        failed[p >>> 5] |= 1 << (p & 31);
        failedOn[this.variantOf[p]] = 1;
        if (o.fingerprint !== null && !fingerprints.has(p)) fingerprints.set(p, o.fingerprint);
      });
      const failing: number[] = [];
      for (let p = 0; p < this.at.length; p++) if (failed[p >>> 5] & (1 << (p & 31))) failing.push(p);
      this.ran.push(ran);
      this.failed.push(failed);
      this.failing.push(failing);
      this.failVariants.push(failedOn);
      this.fingerprints.push(fingerprints);
    });
  }

  /** Each place's weight: `weigh` of its age before `now` (the verdicts' decay). */
  weights(weigh: (ageMs: number) => number): Float64Array {
    return Float64Array.from(this.at, (at) => weigh(this.now - at));
  }

  /** The places test `t` failed at, in order. */
  failuresOf(t: number): readonly number[] {
    return this.failing[t];
  }

  /** The places any of these tests ran at (counted: not skipped, not in an incident). */
  ranByAny(tests: readonly number[]): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.at.length; p++)
      if (tests.some((t) => (this.ran[t][p >>> 5] & (1 << (p & 31))) !== 0)) out.push(p);
    return out;
  }

  /** The fingerprint of test `t`'s failure at place `p`, if it had one. */
  fingerprintAt(t: number, p: number): string | null {
    return this.fingerprints[t].get(p) ?? null;
  }

  /**
   * The pairs of tests (i < j, in order) that failed together at `min` places or more, undecayed: counted
   * place by place over the tests failing there, so the cost is that of the failures, not of every pair of
   * flaky tests (a project with 2,000 flaky tests has 2 million pairs, and most never failed together).
   */
  pairsFailingTogether(min: number): [number, number][] {
    const byPlace: number[][] = Array.from({ length: this.at.length }, () => []);
    this.failing.forEach((places, t) => {
      for (const p of places) byPlace[p].push(t);
    });
    const n = this.failing.length;
    const together = new Map<number, number>();
    for (const tests of byPlace)
      for (let x = 0; x < tests.length; x++)
        for (let y = x + 1; y < tests.length; y++) {
          const key = tests[x] * n + tests[y];
          together.set(key, (together.get(key) ?? 0) + 1);
        }
    const out: [number, number][] = [];
    for (const [key, count] of together) if (count >= min) out.push([Math.floor(key / n), key % n]);
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  /**
   * The pair's decayed counts over the places both ran at, on the variants where each has failed: a test that
   * fails only on Windows says nothing by passing on Linux, and counting those passes would make two
   * Windows-only flakes look linked.
   */
  counts(i: number, j: number, weights: Float64Array): PairCounts {
    const out: PairCounts = { ran: 0, a: 0, b: 0, both: 0 };
    const vi = this.failVariants[i];
    const vj = this.failVariants[j];
    const [ri, rj, fi, fj] = [this.ran[i], this.ran[j], this.failed[i], this.failed[j]];
    for (let w = 0; w < ri.length; w++) {
      let bits = ri[w] & rj[w];
      while (bits !== 0) {
        const low = bits & -bits;
        const p = (w << 5) + (31 - Math.clz32(low));
        bits ^= low;
        const v = this.variantOf[p];
        if ((vi[v] & vj[v]) === 0) continue;
        const weight = weights[p];
        const failA = (fi[w] & low) !== 0;
        const failB = (fj[w] & low) !== 0;
        out.ran += weight;
        if (failA) out.a += weight;
        if (failB) out.b += weight;
        if (failA && failB) out.both += weight;
      }
    }
    return out;
  }
}
