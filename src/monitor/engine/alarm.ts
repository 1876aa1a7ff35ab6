/**
 * One timer that rings at the earliest time asked for: asking again for a later time while it is
 * set changes nothing, asking for an earlier one moves it. The engine's calls poll and its read
 * pacer each have one, so a burst of reasons to look again sets one timer, not many.
 */
import type { Clock } from "../clock";

export class Alarm {
  #timer: unknown;
  #at = Infinity;

  constructor(private readonly clock: Clock, private readonly ring: () => void) {}

  /** When it rings (Infinity: not set). */
  get at(): number {
    return this.#at;
  }

  get isSet(): boolean {
    return this.#timer !== undefined;
  }

  /** Rings at time `at` (at once if that has passed). */
  ringAt(at: number): void {
    const now = this.clock.now();
    this.#arm(now, at, Math.max(0, at - now));
  }

  /** Rings `delayMs` from now (≥ 0). The delay goes to the clock as given, not as `at - now`. */
  ringIn(delayMs: number): void {
    const now = this.clock.now();
    this.#arm(now, now + delayMs, Math.max(0, delayMs));
  }

  clear(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }

  #arm(now: number, at: number, delayMs: number): void {
    if (this.#timer !== undefined && this.#at <= at) return;
    this.clear();
    this.#at = Math.max(now, at);
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#at = Infinity;
      this.ring();
    }, delayMs);
  }
}
