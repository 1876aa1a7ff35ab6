/**
 * The PBX not answering the calls poll: since when and why, how long to wait before trying again
 * (the interval doubling per failure, up to a cap), and the pbx.down / pbx.up events.
 */
import type { MonitorEvent } from "../types";

export interface Down {
  readonly since: number;
  readonly code: string;
  readonly reason: string;
}

/** The wait before the next calls poll after `failures` failures in a row. */
export function backoffMs(intervalMs: number, failures: number, maxBackoffMs: number): number {
  const cap = Math.max(maxBackoffMs, intervalMs);
  return Math.min(cap, intervalMs * 2 ** Math.min(failures - 1, 30));
}

export function downEvent(down: Down): MonitorEvent {
  return { topic: "pbx.down", payload: { reason: down.reason, code: down.code, since: new Date(down.since).toISOString() } };
}

/** `from`: when this subscriber was told pbx.down; `at`: the first calls list after it. */
export function upEvent(from: number, at: number): MonitorEvent {
  const downtimeMs = Math.max(0, at - from);
  return { topic: "pbx.up", payload: { downtime: Math.round(downtimeMs / 1000), downtimeMs, since: new Date(from).toISOString(), at: new Date(at).toISOString() } };
}

export class Outage {
  #down: Down | undefined;
  #failures = 0;

  constructor(private readonly maxBackoffMs: number) {}

  get down(): Down | undefined {
    return this.#down;
  }

  /** The calls poll failed at `now`; true when that starts an outage (the PBX was up). */
  fail(now: number, code: string, reason: string): boolean {
    this.#failures++;
    const starts = this.#down === undefined;
    this.#down = { since: this.#down?.since ?? now, code, reason };
    return starts;
  }

  /** The calls poll answered: the outage is over. Returns when it began (undefined: there was none). */
  recover(): number | undefined {
    const since = this.#down?.since;
    this.reset();
    return since;
  }

  reset(): void {
    this.#down = undefined;
    this.#failures = 0;
  }

  backoffMs(intervalMs: number): number {
    return backoffMs(intervalMs, this.#failures, this.maxBackoffMs);
  }
}
