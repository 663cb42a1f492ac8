/**
 * Strings kept in a parsed report. saxes hands out slices of the decoded chunk; in V8 a slice keeps its whole
 * parent chunk alive, so a kept 50-character name would pin 64 KiB and a big report would stay resident
 * whole. Kept strings are detached from their chunk, and the few distinct suite and file names are shared.
 */

// V8 copies substrings shorter than this anyway (SlicedString::kMinLength); longer ones become slices.
const MIN_SLICE = 13;

/** A copy of `text` that shares no memory with a decoded chunk (a no-op for short strings). */
export function detach(text: string): string {
  // Concatenation gives a cons string; slicing it flattens it into a fresh buffer the slice points into.
  return text.length < MIN_SLICE ? text : ` ${text}`.slice(1);
}

/**
 * Shares one detached copy of each distinct string (suite, class and file names repeat thousands of times),
 * each with a small integer id; one pool per kind of name, so the last-name check hits.
 */
export class StringPool {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  // Consecutive testcases mostly share a class or file: comparing with the last one is cheaper than hashing.
  private last: string | undefined;
  private lastId = -1;

  /** The id of `text`, pooling a detached copy the first time it is seen. */
  id(text: string): number {
    if (text === this.last) return this.lastId;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      const pooled = detach(text);
      this.texts.push(pooled);
      this.ids.set(pooled, id);
    }
    this.last = this.texts[id];
    this.lastId = id;
    return id;
  }

  /** The pooled string of an id. */
  text(id: number): string {
    return this.texts[id];
  }

  /** The pooled copy of `text`. */
  intern(text: string): string {
    return this.texts[this.id(text)];
  }
}
