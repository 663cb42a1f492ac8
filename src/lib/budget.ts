// One budget of bytes shared by everything that holds decompressed report bytes in memory at once:
// uploads being read, GitHub artifact entries being extracted, queued reports being parsed. Eight
// concurrent 100 KB gzip uploads inflating to 99 MiB each took RSS from 244 MB to 2 GB (issue 23); with
// one budget, what is in flight stays under it whatever the mix.

/** A budget of bytes: taken before bytes are held, given back when they are dropped. */
export class ByteBudget {
  readonly total: number;
  private used = 0;
  private readonly waiting: { bytes: number; resolve: () => void }[] = [];

  constructor(total: number) {
    this.total = total;
  }

  /** Bytes taken now. */
  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` if they fit now (and no one waits before us), else takes nothing and says false. */
  tryTake(bytes: number): boolean {
    if (this.waiting.length > 0 || this.used + bytes > this.total) return false;
    this.used += bytes;
    return true;
  }

  /**
   * Takes `bytes` (at most the whole budget, so a single large item can always run alone), waiting in
   * arrival order until they fit; returns what was taken, to give back.
   */
  async take(bytes: number): Promise<number> {
    const want = Math.min(bytes, this.total);
    if (this.tryTake(want)) return want;
    await new Promise<void>((resolve) => this.waiting.push({ bytes: want, resolve }));
    return want;
  }

  /** Gives back bytes taken earlier, and lets waiters in while they fit. */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    while (this.waiting.length > 0 && this.used + this.waiting[0].bytes <= this.total) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.resolve();
    }
  }

  /** A running tally of takes for one piece of work, given back at once by `release`. */
  lease(): BudgetLease {
    let held = 0;
    return {
      tryTake: (bytes) => {
        if (!this.tryTake(bytes)) return false;
        held += bytes;
        return true;
      },
      take: async (bytes) => {
        held += await this.take(bytes);
      },
      release: () => {
        const n = held;
        held = 0;
        this.give(n);
      },
    };
  }
}

/** Bytes one request or job holds of a ByteBudget; `release` gives back all of them (idempotent). */
export interface BudgetLease {
  tryTake(bytes: number): boolean;
  take(bytes: number): Promise<void>;
  release(): void;
}
