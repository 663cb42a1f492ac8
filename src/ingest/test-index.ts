/**
 * Finds a test already seen in a report by suite, name and file, holding the keys itself: the fold hands
 * tests out in batches and keeps none, so the index cannot look back into them. Everything is in typed
 * arrays (an open-addressing hash table of ordinals, the names' code units in one byte arena, suite and
 * file as pool ids), so 200,000 tests cost the garbage collector nothing to scan or copy; memory is about
 * 130 bytes per test with 56-character names (the table at most half full, arrays grown by doubling).
 */
import { detach } from "./strings.ts";

const INITIAL_CAPACITY = 1024; // a power of two
// Linear probing with the table at most half full rarely walks more than a few dozen slots. A longer walk
// means names crafted to collide in the unseeded hash: from then on the index is a Map keyed by name
// (V8's seeded hash), so hostile names cannot make the fold quadratic in slots.
const MAX_PROBES = 128;

/** Mixes a name's hash with the suite and file ids into the key's hash. */
export type KeyMix = (nameHash: number, suite: number, file: number) => number;

/** The default mix (FNV-style); replaceable so that tests can make every key collide. */
export const mixKey: KeyMix = (nameHash, suite, file) => Math.imul(nameHash ^ suite, 0x01000193) ^ file;

/** Ordinals (0, 1, 2 … in order of first appearance) of the tests seen so far, by suite id, name and file id. */
export class TestIndex {
  // Slot i is table[2i], an ordinal plus one (0: empty), and table[2i + 1], that test's key hash: side by
  // side, so a probe touches one cache line (the table is megabytes, and each lookup lands anywhere in it).
  private table = new Int32Array(INITIAL_CAPACITY * 2);
  // Per ordinal: suite id, file id (-1: none), where the name starts in the arena and its length in code
  // units (negative: stored two bytes per unit, for names with a character above U+00FF).
  private suites = new Int32Array(INITIAL_CAPACITY);
  private files = new Int32Array(INITIAL_CAPACITY);
  private starts = new Int32Array(INITIAL_CAPACITY);
  private lengths = new Int32Array(INITIAL_CAPACITY);
  // Names, one after the other; `find` writes the name it looks up past `used` (staged) while hashing it,
  // so a miss is kept by moving `used` and a hit is compared byte by byte: one pass over each name.
  private arena = new Uint8Array(64 * 1024);
  private used = 0;
  private stagedWide = false;
  /** How many distinct tests the index holds. */
  size = 0;
  // The key `find` last missed: `add` follows that miss, so nothing is hashed twice.
  private missedHash = 0;
  private missedSuite = 0;
  private missedName = "";
  private missedFile = -1;
  private byName: Map<string, number[]> | undefined;
  private readonly mix: KeyMix;

  constructor(mix: KeyMix = mixKey) {
    this.mix = mix;
  }

  /** The ordinal of the test with this key, or -1 (then `add` records it). */
  find(suite: number, name: string, file: number): number {
    this.missedSuite = suite;
    this.missedName = name;
    this.missedFile = file;
    if (this.byName) return this.findInMap(suite, name, file);
    const hash = this.mix(this.stage(name), suite, file);
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    for (let probes = 0; probes < MAX_PROBES; probes++, slot = (slot + 1) & mask) {
      const entry = table[slot << 1];
      if (entry === 0) {
        this.missedHash = hash;
        return -1;
      }
      const ordinal = entry - 1;
      if (
        table[(slot << 1) + 1] === hash &&
        this.suites[ordinal] === suite &&
        this.files[ordinal] === file &&
        this.isStaged(ordinal)
      )
        return ordinal;
    }
    this.switchToMap();
    return this.findInMap(suite, name, file);
  }

  /** Records the key `find` just missed as the next ordinal, and returns that ordinal. */
  add(): number {
    const ordinal = this.size++;
    if (ordinal === this.suites.length) this.growKeys();
    this.suites[ordinal] = this.missedSuite;
    this.files[ordinal] = this.missedFile;
    const length = this.missedName.length;
    if (this.byName) this.remember(detach(this.missedName), ordinal);
    else {
      this.starts[ordinal] = this.used;
      this.lengths[ordinal] = this.stagedWide ? -length : length;
      this.used += this.stagedWide ? length * 2 : length;
      if (this.size * 4 > this.table.length) this.growTable();
      this.place(this.missedHash, ordinal + 1);
    }
    this.missedName = "";
    return ordinal;
  }

  // Writes the name past `used` (one byte per code unit while they fit) and returns its FNV-1a hash over
  // the UTF-16 code units.
  private stage(name: string): number {
    const length = name.length;
    if (this.used + length * 2 > this.arena.length) this.growArena(length * 2);
    const arena = this.arena;
    let at = this.used;
    let hash = 0x811c9dc5;
    for (let index = 0; index < length; index++) {
      const code = name.charCodeAt(index);
      if (code > 0xff) return this.stageWide(name);
      arena[at++] = code;
      hash = Math.imul(hash ^ code, 0x01000193);
    }
    this.stagedWide = false;
    return hash;
  }

  private stageWide(name: string): number {
    const arena = this.arena;
    let at = this.used;
    let hash = 0x811c9dc5;
    for (let index = 0; index < name.length; index++) {
      const code = name.charCodeAt(index);
      arena[at++] = code & 0xff;
      arena[at++] = code >> 8;
      hash = Math.imul(hash ^ code, 0x01000193);
    }
    this.stagedWide = true;
    return hash;
  }

  // Whether the staged name is the name of `ordinal`.
  private isStaged(ordinal: number): boolean {
    const stored = this.lengths[ordinal];
    if (stored < 0 !== this.stagedWide || Math.abs(stored) !== this.missedName.length) return false;
    const arena = this.arena;
    const bytes = this.stagedWide ? -stored * 2 : stored;
    for (let from = this.starts[ordinal], at = this.used, end = at + bytes; at < end; from++, at++) {
      if (arena[from] !== arena[at]) return false;
    }
    return true;
  }

  private nameOf(ordinal: number): string {
    const stored = this.lengths[ordinal];
    const wide = stored < 0;
    const length = wide ? -stored : stored;
    let at = this.starts[ordinal];
    const units: number[] = [];
    let name = "";
    for (let index = 0; index < length; index++) {
      units.push(wide ? this.arena[at++] | (this.arena[at++] << 8) : this.arena[at++]);
      // In pieces: a spread of a 1 MiB name's units would overflow the stack.
      if (units.length === 4096 || index === length - 1) name += String.fromCharCode(...units.splice(0));
    }
    return name;
  }

  private place(hash: number, entry: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    while (table[slot << 1] !== 0) slot = (slot + 1) & mask;
    table[slot << 1] = entry;
    table[(slot << 1) + 1] = hash;
  }

  private growTable(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (let at = 0; at < old.length; at += 2) if (old[at] !== 0) this.place(old[at + 1], old[at]);
  }

  private growKeys(): void {
    const grown = (from: Int32Array) => {
      const to = new Int32Array(from.length * 2);
      to.set(from);
      return to;
    };
    this.suites = grown(this.suites);
    this.files = grown(this.files);
    this.starts = grown(this.starts);
    this.lengths = grown(this.lengths);
  }

  private growArena(needed: number): void {
    const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + needed));
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
  }

  private findInMap(suite: number, name: string, file: number): number {
    for (const ordinal of this.byName!.get(name) ?? []) {
      if (this.suites[ordinal] === suite && this.files[ordinal] === file) return ordinal;
    }
    return -1;
  }

  private remember(name: string, ordinal: number): void {
    const ordinals = this.byName!.get(name);
    if (ordinals) ordinals.push(ordinal);
    else this.byName!.set(name, [ordinal]);
  }

  private switchToMap(): void {
    this.byName = new Map();
    this.table = new Int32Array(0);
    for (let ordinal = 0; ordinal < this.size; ordinal++) this.remember(this.nameOf(ordinal), ordinal);
  }
}
