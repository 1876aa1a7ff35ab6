/**
 * At most `max` holders at once; the rest wait. Two classes: `action` (a person's request: action
 * nodes, Test connection, editor look-ups) and `monitor` (background polling). Actions go ahead of
 * every queued monitor call, and monitors hold at most `monitorMax` slots (default max − 1, at
 * least 1), so with `max` ≥ 2 a slot is always left for an action. Within a class the order is
 * FIFO. A freed slot is handed straight to the next waiter, so a newcomer can never overtake the
 * queue of its class. Waiters can leave (abort) or be turned away all at once (close); none is
 * ever dropped silently.
 */
export type LeaveReason = "cancelled" | "closed";

/** Who is asking: a person's request, or the monitors' background polling. */
export type Priority = "action" | "monitor";

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

/** One FIFO of waiters; the consumed front is dropped now and then, so a long queue stays O(1). */
class Fifo {
  #items: Waiter[] = [];
  #head = 0;
  size = 0;

  push(w: Waiter): void {
    this.#items.push(w);
    this.size++;
  }

  /** The next waiter still waiting (not removed from the count: the caller detaches it). */
  shift(): Waiter | undefined {
    while (this.#head < this.#items.length) {
      const w = this.#items[this.#head++];
      if (!w.gone) {
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        return w;
      }
    }
    this.#items = [];
    this.#head = 0;
    return undefined;
  }
}

export class Slots {
  #active = 0;
  #monitorActive = 0;
  readonly #actions = new Fifo();
  readonly #monitors = new Fifo();
  readonly #monitorMax: number;

  constructor(private readonly max: number, monitorMax?: number) {
    this.#monitorMax = Math.min(max, Math.max(1, monitorMax ?? max - 1));
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#actions.size + this.#monitors.size;
  }

  /** Slots the monitors may hold at once. */
  get monitorMax(): number {
    return this.#monitorMax;
  }

  /** undefined: the slot is taken now (no promise on the fast path); else wait for it. */
  acquire(signal?: AbortSignal, priority: Priority = "action"): Promise<void> | undefined {
    if (this.#free(priority)) {
      this.#take(priority);
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, gone: false };
      const fifo = priority === "monitor" ? this.#monitors : this.#actions;
      if (signal) {
        w.onAbort = () => this.#leave(w, fifo, new NoSlot("cancelled"));
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      fifo.push(w);
    });
  }

  /** Gives back a slot taken with the same priority. */
  release(priority: Priority = "action"): void {
    this.#active--;
    if (priority === "monitor") this.#monitorActive--;
    this.#dispatch();
  }

  /** Turns every waiter away (close). */
  rejectAll(reason: LeaveReason): void {
    for (const fifo of [this.#actions, this.#monitors]) {
      for (let w = fifo.shift(); w; w = fifo.shift()) {
        this.#detach(w, fifo);
        w.reject(new NoSlot(reason));
      }
    }
  }

  /** A newcomer may take a slot now: actions pass queued monitors, monitors queue behind anyone. */
  #free(priority: Priority): boolean {
    if (this.#active >= this.max) return false;
    if (priority === "action") return this.#actions.size === 0;
    return this.#monitorActive < this.#monitorMax && this.queued === 0;
  }

  #take(priority: Priority): void {
    this.#active++;
    if (priority === "monitor") this.#monitorActive++;
  }

  /** Hands free slots to waiters: actions first, then monitors up to their share. */
  #dispatch(): void {
    while (this.#active < this.max) {
      let w = this.#actions.size > 0 ? this.#actions.shift() : undefined;
      if (w) {
        this.#detach(w, this.#actions);
        this.#take("action");
      } else if (this.#monitors.size > 0 && this.#monitorActive < this.#monitorMax && (w = this.#monitors.shift())) {
        this.#detach(w, this.#monitors);
        this.#take("monitor");
      } else {
        return;
      }
      w.resolve();
    }
  }

  #detach(w: Waiter, fifo: Fifo): void {
    w.gone = true;
    fifo.size--;
    if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
  }

  #leave(w: Waiter, fifo: Fifo, why: NoSlot): void {
    if (w.gone) return;
    this.#detach(w, fifo);
    w.reject(why);
  }
}
