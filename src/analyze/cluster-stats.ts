/** The statistics of co-failure clusters: a hypergeometric tail per pair, Benjamini–Hochberg over all pairs. */

// log(n!) for n = 0, 1, …, grown on demand and shared by every call (pure: a cache of a pure function).
const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = logFactorials[i - 1] + Math.log(i);
  return logFactorials[n];
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * P(X ≥ k) for X the number of reports both tests failed in, when test A's `a` failures and B's `b` fall
 * at random among the `n` reports both ran in (hypergeometric: one-sided Fisher's exact test). Integer
 * arguments; 1 when k is not above what chance alone must give.
 */
export function coFailureTail(n: number, a: number, b: number, k: number): number {
  if (n <= 0 || k <= 0) return 1;
  const hi = Math.min(a, b);
  if (k > hi) return 0;
  const lo = Math.max(0, a + b - n);
  if (k <= lo) return 1;
  const denominator = logChoose(n, b);
  let p = 0;
  for (let x = k; x <= hi; x++) p += Math.exp(logChoose(a, x) + logChoose(n - a, b - x) - denominator);
  return Math.min(1, p);
}

/**
 * Benjamini–Hochberg: the indexes of `pValues` rejected at false-discovery rate `q` when `tests` hypotheses
 * were tested in all (the ones not listed had no chance of passing: counting them keeps the control honest).
 */
export function benjaminiHochberg(pValues: readonly number[], tests: number, q: number): Set<number> {
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const m = Math.max(tests, pValues.length);
  let cut = -1;
  for (let rank = 0; rank < order.length; rank++) if (order[rank][0] <= ((rank + 1) * q) / m) cut = rank;
  return new Set(order.slice(0, cut + 1).map(([, i]) => i));
}
