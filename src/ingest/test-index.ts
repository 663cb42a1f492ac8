/**
 * Finds a test already seen in a report by suite, name and file. An open-addressing hash table of positions
 * in the tests array held in typed arrays: a Map keyed by 200,000 names cost more than the rest of the fold
 * (its table is a huge array of pointers to young strings that every garbage collection rescans and every
 * growth copies; integers in a typed array are never scanned).
 */
import type { ParsedTest } from "../model/report.ts";

const INITIAL_CAPACITY = 1024; // a power of two
// Linear probing with the table at most half full rarely walks more than a few dozen slots. A longer walk
// means many equal names (same name in many suites) or names crafted to collide: from then on the index
// is a Map keyed by name (V8's seeded hash), so hostile names cannot make the fold quadratic in slots.
const MAX_PROBES = 128;

/** Positions of the tests kept so far, by name; `tests` is the caller's array, appended to in order. */
export class TestIndex {
  // slots[i] is a position in `tests` plus one (0: empty); hashes[i] is that test's name hash.
  private slots = new Int32Array(INITIAL_CAPACITY);
  private hashes = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  // The hash of the name `find` last missed: `add` follows that miss, so the name is hashed once.
  private missedHash = 0;
  private byName: Map<string, number[]> | undefined;
  private readonly tests: readonly ParsedTest[];

  constructor(tests: readonly ParsedTest[]) {
    this.tests = tests;
  }

  /** The position of the test with this suite, name and file, or -1. */
  find(suite: string, name: string, file: string | undefined): number {
    if (this.byName) return this.findInMap(suite, name, file);
    const hash = hashName(name);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let probes = 0; probes < MAX_PROBES; probes++, slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        this.missedHash = hash;
        return -1;
      }
      if (this.hashes[slot] !== hash) continue;
      const test = this.tests[entry - 1];
      if (test.name === name && test.suite === suite && test.file === file) return entry - 1;
    }
    this.switchToMap();
    return this.findInMap(suite, name, file);
  }

  /** Records the test just appended at `position`, right after `find` missed it. */
  add(position: number): void {
    if (this.byName) {
      const name = this.tests[position].name;
      const positions = this.byName.get(name);
      if (positions) positions.push(position);
      else this.byName.set(name, [position]);
      return;
    }
    if (++this.size * 2 > this.slots.length) this.grow();
    this.place(this.missedHash, position + 1);
  }

  private place(hash: number, entry: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry;
    this.hashes[slot] = hash;
  }

  private grow(): void {
    const { slots, hashes } = this;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Int32Array(slots.length * 2);
    for (let slot = 0; slot < slots.length; slot++) if (slots[slot] !== 0) this.place(hashes[slot], slots[slot]);
  }

  private findInMap(suite: string, name: string, file: string | undefined): number {
    for (const position of this.byName!.get(name) ?? []) {
      const test = this.tests[position];
      if (test.suite === suite && test.file === file) return position;
    }
    return -1;
  }

  private switchToMap(): void {
    this.byName = new Map();
    this.slots = new Int32Array(0);
    this.hashes = new Int32Array(0);
    for (let position = 0; position < this.tests.length; position++) {
      const name = this.tests[position].name;
      const positions = this.byName.get(name);
      if (positions) positions.push(position);
      else this.byName.set(name, [position]);
    }
  }
}

/** FNV-1a over the UTF-16 code units of a name. */
export function hashName(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash;
}
