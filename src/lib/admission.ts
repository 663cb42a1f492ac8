// Admission control in front of the database pool for uploads. A burst of 1,000 concurrent uploads on
// PostgreSQL (10 pooled connections, 5 s to get one) answered 683 of them 503 "timeout exceeded when
// trying to connect" while the database was healthy (issue 23). Uploads past `concurrency` now wait here,
// in arrival order, where waiting costs no connection; only past `maxWaiting` waiters or `maxWaitMs` is an
// upload turned away, with 429 and Retry-After, which clients retry.
import { AppError } from "./errors.ts";

/** How admission behaves. */
export interface AdmissionLimits {
  /** Sections running at once. */
  concurrency: number;
  /** Sections waiting at most; one more is refused at once. */
  maxWaiting: number;
  /** How long one may wait before it is refused. */
  maxWaitMs: number;
  /** Seconds a refused caller is told to wait (Retry-After). */
  retryAfterSeconds: number;
}

/** A counting semaphore with a bounded, timed queue that refuses with 429 + Retry-After. */
export class Admission {
  private running = 0;
  private readonly queue: { admit: () => void; timer: ReturnType<typeof setTimeout> }[] = [];
  readonly limits: AdmissionLimits;

  constructor(limits: AdmissionLimits) {
    this.limits = limits;
  }

  /** Sections running now, and waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }

  /** Runs `fn` once admitted; throws the 429 AppError when the queue is full or the wait too long. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) await this.wait();
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.admit(); // the slot passes on: running stays the same
      } else this.running--;
    }
  }

  private wait(): Promise<void> {
    if (this.queue.length >= this.limits.maxWaiting) return Promise.reject(this.busy("waiting"));
    return new Promise<void>((resolve, reject) => {
      const entry = {
        admit: resolve,
        timer: setTimeout(() => {
          const at = this.queue.indexOf(entry);
          if (at >= 0) this.queue.splice(at, 1);
          reject(this.busy("waited"));
        }, this.limits.maxWaitMs),
      };
      this.queue.push(entry);
    });
  }

  private busy(why: "waiting" | "waited"): AppError {
    const l = this.limits;
    const what =
      why === "waiting"
        ? `${l.maxWaiting} uploads are already waiting`
        : `this upload waited ${Math.round(l.maxWaitMs / 1000)} s for one of ${l.concurrency} slots`;
    return new AppError(429, "busy", `the server is busy storing other uploads (${what}); nothing was stored; retry`, {
      "Retry-After": String(l.retryAfterSeconds),
    });
  }
}
