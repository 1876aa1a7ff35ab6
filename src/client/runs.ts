/**
 * One call's run, from leaving the queue to its answer: its own stop signal (handed to every
 * request and backoff sleep), a time budget (a timer that stops it with "timeout"), the caller's
 * signal forwarded ("cancelled"), and, in a RunSet, the client's close() ("closed"). The first
 * reason wins: whatever fails after a stop is explained by it. A run that has ended leaves no
 * timer and no listener behind. Shared by the WebAPI and the V20 client, with inSlot() before it.
 */
import { WebApiError } from "./errors";
import { NoSlot, type LeaveReason, type Priority, type Slots } from "./slots";

export type StopReason = "timeout" | LeaveReason;

/**
 * What a run's requests and sleeps watch: the part of AbortSignal that axios and sleep() use. A
 * plain object rather than an AbortController: an EventTarget per request cost about 11 µs of CPU
 * per message (a third of the node's cost over a bare request; BENCHMARKS.md, "PBX load").
 */
export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: (ev: { type: "abort" }) => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: (ev: { type: "abort" }) => void): void;
}

const ABORT_EVENT = Object.freeze({ type: "abort" as const });

/** What a run's body sees. */
export interface Run {
  /** Aborted at the first stop. */
  readonly signal: StopSignal;
  /** Why the run was stopped; undefined while it may go on. */
  readonly why: StopReason | undefined;
}

/** The timer functions a run uses: the real ones by default, a hand clock in unit tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

class Stoppable implements Run, StopSignal {
  #why: StopReason | undefined;
  #listeners: Array<(ev: { type: "abort" }) => void> | undefined;

  get signal(): StopSignal {
    return this;
  }

  get why(): StopReason | undefined {
    return this.#why;
  }

  get aborted(): boolean {
    return this.#why !== undefined;
  }

  addEventListener(_type: "abort", listener: (ev: { type: "abort" }) => void): void {
    if (this.#why === undefined) (this.#listeners ??= []).push(listener); // once: every listener hears one stop
  }

  removeEventListener(_type: "abort", listener: (ev: { type: "abort" }) => void): void {
    const at = this.#listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.#listeners?.splice(at, 1);
  }

  stop(why: StopReason): void {
    if (this.#why !== undefined) return;
    this.#why = why;
    const listeners = this.#listeners ?? [];
    this.#listeners = undefined;
    for (const listener of listeners) {
      try {
        listener(ABORT_EVENT);
      } catch {
        // as an EventTarget does: one listener's failure does not keep the others from hearing it
      }
    }
  }
}

/**
 * Runs `body` under a timeout and the caller's signal only: no client's close() stops it. For a
 * request that is not one caller's (the token request, shared by every client of a principal).
 */
export function timed<T>(timeoutMs: number, outer: AbortSignal | undefined, body: (run: Run) => Promise<T>, timers: Timers = realTimers): Promise<T> {
  return new RunSet(timers).run(timeoutMs, outer, body); // a set of its own, which nothing closes
}

/** The runs of one client, so that close() stops every one of them. */
export class RunSet {
  readonly #runs = new Set<Stoppable>();
  readonly #timers: Timers;
  #closed = false;

  constructor(timers: Timers = realTimers) {
    this.#timers = timers;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs going on now. */
  get size(): number {
    return this.#runs.size;
  }

  /** Runs `body` as one run of this set (stopped at once when the set is closed already). */
  async run<T>(timeoutMs: number, outer: AbortSignal | undefined, body: (run: Run) => Promise<T>): Promise<T> {
    const run = new Stoppable();
    const timer = this.#timers.setTimeout(() => run.stop("timeout"), timeoutMs);
    const onOuter = (): void => run.stop("cancelled");
    outer?.addEventListener("abort", onOuter, { once: true });
    if (outer?.aborted) run.stop("cancelled"); // aborted in the tick the slot was handed over
    if (this.#closed) run.stop("closed");
    this.#runs.add(run);
    try {
      return await body(run);
    } finally {
      this.#timers.clearTimeout(timer);
      outer?.removeEventListener("abort", onOuter);
      this.#runs.delete(run);
    }
  }

  /** Stops every run going on ("closed", unless it was stopped already) and every later one. */
  close(): void {
    this.#closed = true;
    for (const run of this.#runs) run.stop("closed");
  }
}

/** The error of a call that was cancelled by its caller or cut off by close(). */
export function abortedError(method: string, why: LeaveReason, attempts: number): WebApiError {
  const msg = why === "closed"
    ? `${method} aborted: the PBX client was closed (node redeployed or stopped)`
    : `${method} aborted: the request was cancelled`;
  return new WebApiError("ABORTED", method, msg, { attempts });
}

/**
 * Takes a slot for one call, runs `body` and frees the slot. ABORTED, and nothing run, when the
 * client is closed or the caller has cancelled, now or while the call waits in the queue. A free
 * slot starts `body` in this very tick (an abort right after the call still finds its run).
 */
export async function inSlot<T>(slots: Slots, priority: Priority, runs: RunSet, method: string, signal: AbortSignal | undefined,
  body: () => Promise<T>): Promise<T> {
  if (runs.closed) throw abortedError(method, "closed", 0);
  if (signal?.aborted) throw abortedError(method, "cancelled", 0);
  const wait = slots.acquire(signal, priority);
  if (wait) {
    try {
      await wait;
    } catch (e) {
      throw abortedError(method, e instanceof NoSlot ? e.reason : "cancelled", 0);
    }
  }
  try {
    return await body();
  } finally {
    slots.release(priority);
  }
}
