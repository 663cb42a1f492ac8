/** Small statistics for detection: decay by age, a failure rate's interval. */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959964;

/** Weight of something `ageMs` old when weight halves every `halfLifeMs`; the future counts as now. */
export function decay(ageMs: number, halfLifeMs: number): number {
  return ageMs <= 0 ? 1 : Math.pow(0.5, ageMs / halfLifeMs);
}

/** Lower end of the Wilson score interval; 0 with no data. Counts may be fractional (decayed). */
export function wilsonLow(failures: number, total: number, z = Z95): number {
  return total <= 0 ? 0 : wilson(failures, total, z, -1);
}

/** Upper end of the Wilson score interval; 1 with no data. */
export function wilsonHigh(failures: number, total: number, z = Z95): number {
  return total <= 0 ? 1 : wilson(failures, total, z, 1);
}

function wilson(failures: number, total: number, z: number, sign: number): number {
  const p = failures / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const spread = z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return Math.min(1, Math.max(0, (centre + sign * spread) / (1 + z2 / total)));
}

/** Combine independent pieces of evidence: the chance that at least one of them is right. */
export function noisyOr(a: number, b: number): number {
  return 1 - (1 - a) * (1 - b);
}

/**
 * How many failures in a row a test failing at `rate` would produce by chance less often than
 * `chance`: the length of stretch that means a step change rather than bad luck. Clamped to [min, max].
 */
export function streakNeeded(rate: number, chance: number, min: number, max: number): number {
  if (rate <= 0) return min;
  if (rate >= 1) return max;
  const k = Math.ceil(Math.log(chance) / Math.log(rate));
  return Math.min(max, Math.max(min, k));
}
