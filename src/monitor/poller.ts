/**
 * The poll loop of one monitor: fetch → snapshot → diff → events, one tick at a time. The next
 * tick is scheduled only after the previous one has finished (a slow PBX stretches the interval,
 * requests never pile up). A failed tick does not end the loop: it backs off (interval × 2ⁿ up to a
 * cap), emits `pbx.down` once, and the first good tick after it emits `pbx.up` once and becomes the
 * new baseline (no burst of events for what happened in the gap). No Node-RED in here.
 */
import { diffSnapshots } from "./diff";
import { errorCode, errorText } from "./errors";
import { buildSnapshot, type PollAnswers } from "./snapshot";
import type { MonitorEvent, Snapshot, SnapshotEvent } from "./types";

export type PollerState =
  | { readonly kind: "polling" }
  | { readonly kind: "down"; readonly code: string; readonly reason: string; readonly retryInMs: number }
  | { readonly kind: "stopped" };

export interface PollerOptions {
  readonly intervalMs: number;
  /** The longest wait between retries while the PBX does not answer. Default 60 000. */
  readonly maxBackoffMs?: number;
  /** One poll's raw answers. Must give up when `signal` aborts. */
  fetch(signal: AbortSignal): Promise<PollAnswers>;
  onEvents(events: readonly MonitorEvent[]): void;
  onState(state: PollerState): void;
  now?(): number;
}

/** Thrown to a waiting `pollNow()` when the loop is stopped. */
export class PollerStoppedError extends Error {
  readonly code = "ABORTED";
  constructor() {
    super("the monitor was stopped");
  }
}

/** The current calls and watched states, as a `snapshot` event's payload. */
export function snapshotPayload(s: Snapshot): SnapshotEvent {
  return {
    source: "poll",
    at: new Date(s.at).toISOString(),
    calls: [...s.calls.values()].map((c) => c.call),
    extensions: Object.fromEntries(s.extensions),
    queues: Object.fromEntries([...s.queues].map(([num, members]) => [num, [...members.values()]])),
  };
}

interface Waiter {
  resolve(s: Snapshot): void;
  reject(err: unknown): void;
}

export class Poller {
  private static running = 0;
  /** Loops started and not stopped, in this process (tests check redeploys leave one). */
  static get active(): number {
    return Poller.running;
  }

  private readonly opts: PollerOptions;
  private readonly now: () => number;
  private prev: Snapshot | null = null;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private failures = 0;
  private downSince: number | undefined;
  private started = false;
  private stopped = false;
  /** Waiters for a tick that starts after they asked. */
  private waiters: Waiter[] = [];

  constructor(opts: PollerOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError("intervalMs: expected a positive number");
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** The last good snapshot (null before the first one and while the PBX is down). */
  get snapshot(): Snapshot | null {
    return this.prev;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    Poller.running++;
    this.opts.onState({ kind: "polling" });
    this.schedule(0);
  }

  /** Polls now (after the tick in flight, if any) and resolves with the fresh snapshot. */
  pollNow(): Promise<Snapshot> {
    if (this.stopped || !this.started) return Promise.reject(new PollerStoppedError());
    const p = new Promise<Snapshot>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.inFlight) this.schedule(0);
    return p;
  }

  /** Ends the loop: no further tick, the one in flight is aborted; resolves once it has settled. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.started) Poller.running--;
    clearTimeout(this.timer);
    this.controller?.abort();
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w.reject(new PollerStoppedError());
    await this.inFlight;
    this.opts.onState({ kind: "stopped" });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.tick().finally(() => {
        this.inFlight = undefined;
      });
    }, delayMs);
  }

  private backoffMs(): number {
    const cap = Math.max(this.opts.maxBackoffMs ?? 60000, this.opts.intervalMs);
    return Math.min(cap, this.opts.intervalMs * 2 ** Math.min(this.failures - 1, 30));
  }

  private async tick(): Promise<void> {
    const waiters = this.waiters.splice(0);
    const controller = new AbortController();
    this.controller = controller;
    let next: Snapshot;
    try {
      const answers = await this.opts.fetch(controller.signal);
      if (this.stopped) throw new PollerStoppedError();
      next = buildSnapshot({ ...answers, at: this.now() }, this.prev);
    } catch (err) {
      if (this.stopped) {
        for (const w of waiters) w.reject(new PollerStoppedError());
        return;
      }
      // Aborted from outside (the shared client closing on a redeploy, before this loop is
      // stopped): not the PBX failing, so no pbx.down; the loop is about to be stopped anyway.
      if (errorCode(err) === "ABORTED") {
        for (const w of waiters) w.reject(err);
        this.schedule(this.opts.intervalMs);
        return;
      }
      this.failed(err, waiters);
      return;
    }
    const events: MonitorEvent[] = [];
    if (this.downSince !== undefined) {
      const downtimeMs = Math.max(0, next.at - this.downSince);
      events.push({ topic: "pbx.up", payload: { downtime: Math.round(downtimeMs / 1000), downtimeMs, since: new Date(this.downSince).toISOString(), at: new Date(next.at).toISOString() } });
      this.downSince = undefined;
    }
    if (this.failures > 0) this.opts.onState({ kind: "polling" });
    this.failures = 0;
    // The first snapshot after start or after recovery is the baseline: nothing to compare with.
    if (this.prev) events.push(...diffSnapshots(this.prev, next));
    this.prev = next;
    if (events.length > 0) this.opts.onEvents(events);
    for (const w of waiters) w.resolve(next);
    this.schedule(this.waiters.length > 0 ? 0 : this.opts.intervalMs);
  }

  private failed(err: unknown, waiters: Waiter[]): void {
    this.failures++;
    this.prev = null;
    const code = errorCode(err);
    const reason = errorText(err);
    const retryInMs = this.backoffMs();
    if (this.downSince === undefined) {
      this.downSince = this.now();
      this.opts.onEvents([{ topic: "pbx.down", payload: { reason, code, since: new Date(this.downSince).toISOString() } }]);
    }
    this.opts.onState({ kind: "down", code, reason, retryInMs });
    for (const w of waiters) w.reject(err);
    this.schedule(this.waiters.length > 0 ? 0 : retryInMs);
  }
}
