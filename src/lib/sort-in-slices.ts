// Sorting a million items by a string key without holding the event loop: one Array.prototype.sort of a
// million test ids took about a second, in one turn.
import type { MaybeYield } from "./yield.ts";

/**
 * `items` sorted by `key` (code-unit order), in turns for the event loop: bucketed by the key's first two
 * characters, then each bucket sorted on its own between turns. Keys that are hex digests (test ids) make
 * 256 even buckets. Equal keys keep their input order.
 */
export async function sortInSlices<T>(
  items: readonly T[],
  key: (item: T) => string,
  maybeYield: MaybeYield,
): Promise<T[]> {
  const buckets = new Map<string, T[]>();
  for (let i = 0; i < items.length; i++) {
    if (i % 4096 === 0) await maybeYield();
    const prefix = key(items[i]).slice(0, 2);
    const bucket = buckets.get(prefix);
    if (bucket) bucket.push(items[i]);
    else buckets.set(prefix, [items[i]]);
  }
  const out: T[] = [];
  const byKey = (a: T, b: T) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  for (const prefix of [...buckets.keys()].sort()) {
    await maybeYield();
    for (const item of buckets.get(prefix)!.sort(byKey)) out.push(item);
  }
  return out;
}
