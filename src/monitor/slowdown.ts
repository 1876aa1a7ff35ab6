/**
 * How much the poll engine slows its reads because the PBX is struggling: a factor (1, 2, 4 … 16)
 * that divides the read budget. It doubles (at most once a second) on a sign of strain — an answer
 * slower than `latencyMs` on average, a timeout, 429, 5xx, no connection — and halves again after
 * `calmMs` without one. Plain arithmetic on the times it is given; no timers.
 */
export const MAX_SLOWDOWN = 16;

/** Error codes that mean the PBX is overloaded or not answering (not that one entry is wrong). */
export function isStrain(code: string | undefined): boolean {
  return code !== undefined && (code === "TIMEOUT" || code === "UNREACHABLE" || code === "HTTP_429" || /^HTTP_5\d\d$/.test(code));
}

export interface SlowdownOptions {
  /** Average answer time above which the PBX counts as slow (ms). */
  readonly latencyMs: number;
  /** Time without strain before the factor halves again (ms). */
  readonly calmMs: number;
  /** Shortest time between two doublings (ms). */
  readonly stepMs: number;
}

export const SLOWDOWN_DEFAULTS: SlowdownOptions = { latencyMs: 1000, calmMs: 10_000, stepMs: 1000 };

export class Slowdown {
  #factor = 1;
  #avgMs: number | undefined;
  #lastStrain = -Infinity;
  #lastChange = -Infinity;

  constructor(private readonly opts: SlowdownOptions = SLOWDOWN_DEFAULTS) {}

  get factor(): number {
    return this.#factor;
  }

  /** The moving average of answer times (ms), undefined before the first. */
  get averageMs(): number | undefined {
    return this.#avgMs;
  }

  /** One request's outcome at `now`: its time and, when it failed, its code. True if the factor changed. */
  observe(now: number, latencyMs: number, code?: string): boolean {
    if (code !== "ABORTED") this.#avgMs = this.#avgMs === undefined ? latencyMs : this.#avgMs * 0.8 + latencyMs * 0.2;
    const strained = isStrain(code) || (this.#avgMs ?? 0) > this.opts.latencyMs;
    if (strained) {
      this.#lastStrain = now;
      if (this.#factor < MAX_SLOWDOWN && now - this.#lastChange >= this.opts.stepMs) return this.#set(now, this.#factor * 2);
      return false;
    }
    if (this.#factor > 1 && now - this.#lastStrain >= this.opts.calmMs && now - this.#lastChange >= this.opts.calmMs) return this.#set(now, this.#factor / 2);
    return false;
  }

  /** Starts afresh (the PBX is back after an outage: the outage had its own backoff). */
  reset(): void {
    this.#factor = 1;
    this.#avgMs = undefined;
    this.#lastStrain = -Infinity;
    this.#lastChange = -Infinity;
  }

  #set(now: number, factor: number): boolean {
    this.#factor = factor;
    this.#lastChange = now;
    return true;
  }
}
