/** Byte arrays kept in memory by key until taken, up to a total size: past it the oldest are dropped. */
export interface KeptBytes {
  keep(key: string, bytes: Uint8Array): void;
  /** The bytes kept under `key` (and forgets them), or undefined when they were never kept or were dropped. */
  take(key: string): Uint8Array | undefined;
}

/** Keeps at most `maxBytes` in all; one array larger than that is not kept. */
export function keptBytes(maxBytes: number): KeptBytes {
  const kept = new Map<string, Uint8Array>(); // insertion order: oldest first
  let total = 0;
  return {
    keep(key, bytes) {
      if (bytes.byteLength > maxBytes) return;
      kept.set(key, bytes);
      total += bytes.byteLength;
      for (const [oldKey, old] of kept) {
        if (total <= maxBytes) break;
        kept.delete(oldKey);
        total -= old.byteLength;
      }
    },
    take(key) {
      const bytes = kept.get(key);
      if (bytes) {
        kept.delete(key);
        total -= bytes.byteLength;
      }
      return bytes;
    },
  };
}
