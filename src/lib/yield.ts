// Time slicing for long loops on the main thread. Parsing runs in worker threads, but storing, analysing
// and scoring a 1,000,000-testcase report are loops on the event loop: run in one go they blocked it for
// up to 118 s (issue 22), so /livez timed out and every other request waited. A loop that makes a
// `yielder()` and calls it now and then gives the event loop a turn once a slice has run its length. One per
// loop or job, not one per process: no module state, and each loop measures its own slice.
import { setImmediate as immediate } from "node:timers/promises";

/** A slice's length before a loop gives the event loop a turn: well under the ~50 ms a turn may take. */
export const SLICE_MS = 20;

/** Gives the event loop a turn when a slice has run SLICE_MS or longer; cheap to call per item. */
export type MaybeYield = () => Promise<void> | undefined;

/**
 * A time-sliced yield for one loop (or one job): `maybeYield()` answers undefined (nothing to await) until
 * `sliceMs` passed since the last turn, then a promise that settles after the event loop ran its pending
 * I/O and timers (setImmediate: after the poll phase, so an HTTP request waiting is answered first).
 * Call it as `await maybeYield()`; awaiting undefined costs a microtask, not a turn.
 */
export function yielder(sliceMs = SLICE_MS, now: () => number = () => performance.now()): MaybeYield {
  let since = now();
  return () => {
    if (now() - since < sliceMs) return undefined;
    return immediate().then(() => {
      since = now();
    });
  };
}

/**
 * Runs `fn` over `items` in chunks of `size`, giving the event loop a turn between chunks when a slice ran
 * out: for synchronous work per chunk (a prepared INSERT of 500 rows, a batch of scoring).
 */
export async function inSlices<T>(
  items: readonly T[],
  size: number,
  fn: (chunk: readonly T[], start: number) => void | Promise<void>,
  maybeYield: MaybeYield = yielder(),
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await fn(items.slice(i, i + size), i);
    await maybeYield();
  }
}
