/**
 * At most `max` holders at once; the rest wait in FIFO order. A freed slot is handed straight to
 * the next waiter, so a newcomer can never overtake the queue. Waiters can leave (abort) or be
 * turned away all at once (close); none is ever dropped silently.
 */
export type LeaveReason = "cancelled" | "closed";

/** Rejection value of a wait that ended without a slot. */
export class NoSlot {
  constructor(readonly reason: LeaveReason) {}
}

interface Waiter {
  resolve(): void;
  reject(why: NoSlot): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  gone: boolean;
}

export class Slots {
  #active = 0;
  #waiting: Waiter[] = [];
  #head = 0;
  #queued = 0;

  constructor(private readonly max: number) {}

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queued;
  }

  /** undefined: the slot is taken now (no promise on the fast path); else wait for it. */
  acquire(signal?: AbortSignal): Promise<void> | undefined {
    if (this.#active < this.max && this.#queued === 0) {
      this.#active++;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, gone: false };
      if (signal) {
        w.onAbort = () => this.#leave(w, new NoSlot("cancelled"));
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.#waiting.push(w);
      this.#queued++;
    });
  }

  release(): void {
    const next = this.#next();
    if (next) {
      this.#detach(next);
      next.resolve(); // the slot passes on: #active is unchanged
    } else {
      this.#active--;
    }
  }

  /** Turns every waiter away (close). */
  rejectAll(reason: LeaveReason): void {
    for (let w = this.#next(); w; w = this.#next()) {
      this.#detach(w);
      w.reject(new NoSlot(reason));
    }
  }

  #next(): Waiter | undefined {
    while (this.#head < this.#waiting.length) {
      const w = this.#waiting[this.#head++];
      if (!w.gone) {
        this.#compact();
        return w;
      }
    }
    this.#waiting = [];
    this.#head = 0;
    return undefined;
  }

  /** Drops the consumed front of the array now and then, so a long queue stays O(1) per call. */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  #detach(w: Waiter): void {
    w.gone = true;
    this.#queued--;
    if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
  }

  #leave(w: Waiter, why: NoSlot): void {
    if (w.gone) return;
    this.#detach(w);
    w.reject(why);
  }
}
