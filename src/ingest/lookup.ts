/**
 * Lookup tables keyed by text from a report (tag names, result values). A plain object literal would answer
 * `__proto__`, `constructor` or `toString` with Object's own members, so a hostile report could make a test's
 * status a function; these tables have no prototype and know only their own keys.
 */

/** A frozen, prototype-less copy of `entries`: unknown keys, `__proto__` included, read as undefined. */
export function lookupTable<V>(entries: Record<string, V>): Readonly<Record<string, V | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, V | undefined>, entries));
}
