/**
 * pollNow waits, briefly, for its subscriber's entries' first reads, so that its snapshot holds
 * their states and not only the calls. Each finished read wakes the waiters to look again.
 */
import type { Clock } from "../clock";

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class FirstReads {
  #waiters: Waiter[] = [];

  constructor(private readonly clock: Clock, private readonly waitMs: number) {}

  /** Resolves once `pending()` is false, `waitMs` have passed or `gaveUp()`; rejects on rejectAll. */
  wait(pending: () => boolean, gaveUp: () => boolean): Promise<void> {
    if (!pending()) return Promise.resolve();
    const end = this.clock.now() + this.waitMs;
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => finish(), this.waitMs);
      const finish = (err?: unknown): void => {
        this.clock.clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        if (err) reject(err);
        else resolve();
      };
      const waiter: Waiter = {
        resolve: () => {
          if (!pending() || this.clock.now() >= end || gaveUp()) finish();
          else this.#waiters.push(waiter);
        },
        reject: finish,
      };
      this.#waiters.push(waiter);
    });
  }

  /** A read finished: each waiter looks again. */
  wake(): void {
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  /** Turns every waiter away, each with an error of its own. */
  rejectAll(error: () => unknown): void {
    for (const w of this.#waiters.splice(0)) w.reject(error());
  }
}
