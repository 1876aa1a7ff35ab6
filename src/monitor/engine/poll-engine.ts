/**
 * The poll engine of one PBX, shared by every `poll` monitor of one config node (SPEC §3, §5).
 *
 * - One calls poll (`pbx.callsinfo.get`) per interval: the shortest interval any subscriber asks for.
 * - Each watched extension and queue is one entry (entries.ts), read once however many subscribers
 *   watch it, by a pacer (reads.ts, pacing.ts) that starts reads no closer together than
 *   1 / pollBudget seconds (never a burst), at most 2 in flight, most stale first, and spreads
 *   them over the interval when there is room. An entry's wished refresh period is the shortest
 *   interval among its watchers; when the budget cannot carry them all, every period stretches by
 *   the same factor (the status says how fresh states are).
 * - Calls first (calls-first.ts): an extension whose part in a call changed is read next.
 * - An entry the PBX refuses (404, NOT_FOUND, PBX_ERROR …) is reported and retried every
 *   `refusedRetryMs`, not every tick. Signs of strain (slow answers, 429, 5xx, timeouts) slow the
 *   reads (Slowdown) before anything else; the calls poll failing is the PBX being down (outage.ts):
 *   reads stop, the calls poll backs off, and each subscriber gets pbx.down once and pbx.up once.
 * - Subscribers (subscribers.ts) join and leave at any time. A new one starts from what the engine
 *   knows (its baseline): no burst for it, no gap for the others. When the last one leaves, timers
 *   stop and the in-flight requests are aborted; one joining within `resumeMs` continues from the
 *   same baseline (a redeploy of a monitor misses no event and repeats none).
 *
 * API for a subscriber (a monitor node, or another per-monitor consumer such as queue statistics):
 *
 *   const sub = engine.subscribe({ intervalMs, extensions, queues, onEvents, onState, onEntryRefused });
 *   sub.snapshot()           the current calls + this subscriber's watched states (null before the first poll)
 *   sub.pollNow()            a calls poll that starts now; resolves with sub.snapshot()
 *   sub.read(method, params) one extra read of the PBX, paced within pollBudget (statistics, look-ups)
 *   await sub.close()        leaves; the last one out stops the engine's timers
 *
 * `onEvents` gets each event once, only those of the subscriber's own watch lists (calls: all);
 * filtering by event name is the subscriber's business. Nothing in here knows about Node-RED.
 */
import { realClock, type Clock } from "../clock";
import { diffSnapshots } from "../diff";
import { errorCode, errorText } from "../errors";
import type { PollClient } from "../fetch";
import { PollerStoppedError } from "../poller";
import { buildSnapshot } from "../snapshot";
import { Slowdown, SLOWDOWN_DEFAULTS } from "../slowdown";
import type { Snapshot } from "../types";
import { Alarm } from "./alarm";
import { DEFAULT_POLL_BUDGET, type EngineOptions, type EngineState, type Subscription, type WatchRequest } from "./api";
import { changedLegs } from "./calls-first";
import { Entries, extensionKey } from "./entries";
import { Outage } from "./outage";
import { stretchOf } from "./pacing";
import { PacedReads } from "./reads";
import { pollingState, Sub, viewOf, type SubscriptionHost } from "./subscribers";

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

const NO_ENTRIES: ReadonlyMap<string, unknown> = new Map();

export class PollEngine implements SubscriptionHost {
  static #running = 0;
  /** Engines with subscribers (timers possibly set), in this process: redeploy tests check it. */
  static get active(): number {
    return PollEngine.#running;
  }

  readonly #client: PollClient;
  readonly #clock: Clock;
  readonly #budget: number;
  readonly #resumeMs: number;
  readonly #slow: Slowdown;
  readonly #outage: Outage;
  readonly #entries: Entries;
  readonly #reads: PacedReads;

  readonly #subs = new Set<Sub>();
  #calls: Snapshot | null = null;
  #callsIntervalMs = Infinity;
  readonly #callsAlarm: Alarm;
  #callsInFlight: Promise<void> | undefined;
  #callsCtl: AbortController | undefined;
  #callWaiters: Waiter[] = [];
  #idleSince: number | undefined;
  #closed = false;

  /** Requests sent, by kind (tests and the bench read them). */
  readonly stats = { calls: 0, reads: 0, extras: 0 };

  constructor(opts: EngineOptions) {
    const budget = opts.pollBudget ?? DEFAULT_POLL_BUDGET;
    if (!(budget > 0) || !Number.isFinite(budget)) throw new RangeError("pollBudget: expected a positive number of requests per second");
    this.#client = opts.client;
    this.#clock = opts.clock ?? realClock;
    this.#budget = budget;
    this.#outage = new Outage(opts.maxBackoffMs ?? 60_000);
    this.#entries = new Entries(opts.refusedRetryMs ?? 60_000);
    this.#resumeMs = opts.resumeMs ?? 30_000;
    this.#slow = new Slowdown(opts.slowdown ?? SLOWDOWN_DEFAULTS);
    this.#callsAlarm = new Alarm(this.#clock, () => this.#startCalls());
    this.#reads = new PacedReads({
      client: this.#client,
      clock: this.#clock,
      budget,
      maxReads: Math.max(1, opts.maxReadsInFlight ?? 2),
      firstReadWaitMs: opts.firstReadWaitMs ?? 5000,
      slow: this.#slow,
      entries: this.#entries,
      stats: this.stats,
      running: () => this.#subs.size > 0 && !this.#closed,
      isDown: () => this.#outage.down !== undefined,
      hasCalls: () => this.#calls !== null,
      stateChanged: () => this.#updateStates(),
    });
  }

  get pollBudget(): number {
    return this.#budget;
  }

  get subscribers(): number {
    return this.#subs.size;
  }

  /** Distinct entries read (extensions and queues of every subscriber together). */
  get entries(): number {
    return this.#entries.size;
  }

  /** The factor by which the PBX's strain slows the reads (1 = full budget). */
  get slowdown(): number {
    return this.#slow.factor;
  }

  subscribe(w: WatchRequest): Subscription {
    if (this.#closed) throw new PollerStoppedError();
    if (!(w.intervalMs > 0)) throw new RangeError("intervalMs: expected a positive number");
    const sub = new Sub(this, w);
    const wasIdle = this.#subs.size === 0;
    if (wasIdle && this.#idleSince !== undefined && this.#clock.now() - this.#idleSince > this.#resumeMs) this.#forget();
    this.#subs.add(sub);
    for (const key of sub.keys) {
      const e = this.#entries.join(key, sub, w.intervalMs);
      if (e.state !== undefined) sub.known.add(key);
    }
    if (wasIdle) this.#entries.dropUnwatched();
    this.#recompute();
    if (wasIdle) {
      PollEngine.#running++;
      this.#idleSince = undefined;
    }
    if (this.#outage.down || wasIdle) this.#scheduleCalls(0);
    else if (this.#calls) this.#scheduleCalls(Math.max(0, Math.min(this.#callsAlarm.at, this.#calls.at + this.#callsIntervalMs) - this.#clock.now()));
    this.#reads.schedule();
    this.#updateStates();
    return sub;
  }

  /** Stops everything for good (the config node closing): subscribers get no more events. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const sub of [...this.#subs]) sub.closed = true;
    const last = [...this.#subs];
    this.#subs.clear();
    if (last.length > 0) PollEngine.#running--;
    await this.#halt();
    for (const sub of last) sub.w.onState?.({ kind: "stopped" });
  }

  async leave(sub: Sub): Promise<void> {
    if (sub.closed) return;
    sub.closed = true;
    if (!this.#subs.delete(sub)) return;
    // The last one out leaves its entries (and their states) for a subscriber joining soon.
    this.#entries.leave(sub, sub.keys, this.#subs.size === 0);
    this.#reads.dropExtrasOf(sub);
    if (this.#subs.size === 0) {
      PollEngine.#running--;
      this.#idleSince = this.#clock.now();
      await this.#halt();
    } else {
      this.#recompute();
      this.#updateStates();
    }
    sub.w.onState?.({ kind: "stopped" });
  }

  snapshotOf(sub: Sub): Snapshot | null {
    return this.#calls && viewOf(this.#calls, sub.keys, this.#entries);
  }

  /** A calls poll that starts after this call, then (briefly) the first reads of its entries. */
  pollNowFor(sub: Sub): Promise<Snapshot> {
    if (sub.closed || this.#closed) return Promise.reject(new PollerStoppedError());
    const polled = new Promise<void>((resolve, reject) => this.#callWaiters.push({ resolve, reject }));
    if (!this.#callsInFlight) this.#scheduleCalls(0);
    return polled.then(() => this.#reads.firstReadsOf(sub)).then(() => {
      const snap = this.snapshotOf(sub);
      if (!snap || sub.closed) throw new PollerStoppedError();
      return snap;
    });
  }

  extraRead(sub: Sub, method: string, params: Readonly<Record<string, string>>): Promise<unknown> {
    if (sub.closed || this.#closed) return Promise.reject(new PollerStoppedError());
    const down = this.#outage.down;
    if (down) return Promise.reject(Object.assign(new Error(down.reason), { code: down.code }));
    return this.#reads.extra(sub, method, params);
  }

  // --- the calls poll -------------------------------------------------------------------------

  #scheduleCalls(delayMs: number): void {
    if (this.#subs.size === 0 || this.#closed) return;
    this.#callsAlarm.ringIn(delayMs);
  }

  #startCalls(): void {
    if (this.#callsInFlight) return; // it schedules the next one when it ends
    const p = this.#pollCalls().finally(() => {
      this.#callsInFlight = undefined;
      this.#afterCalls();
    });
    this.#callsInFlight = p;
  }

  #afterCalls(): void {
    if (this.#subs.size === 0 || this.#closed) return;
    if (this.#callWaiters.length > 0) this.#scheduleCalls(0);
    else this.#scheduleCalls(this.#outage.down ? this.#outage.backoffMs(this.#callsIntervalMs) : this.#callsIntervalMs);
  }

  async #pollCalls(): Promise<void> {
    const waiters = this.#callWaiters.splice(0);
    const ctl = new AbortController();
    this.#callsCtl = ctl;
    const started = this.#clock.now();
    this.stats.calls++;
    let next: Snapshot;
    try {
      const answer = await this.#client.call("pbx.callsinfo.get", {}, { signal: ctl.signal, priority: "monitor" });
      if (this.#subs.size === 0 || this.#closed) throw new PollerStoppedError();
      next = buildSnapshot({ callsinfo: answer.data, extensions: NO_ENTRIES, queues: NO_ENTRIES, at: this.#clock.now() }, this.#calls);
      this.#slow.observe(this.#clock.now(), this.#clock.now() - started);
    } catch (err) {
      const stopped = this.#subs.size === 0 || this.#closed;
      for (const w of waiters) w.reject(stopped ? new PollerStoppedError() : err);
      if (stopped) return;
      // Aborted from outside (the shared client closing on a redeploy): not the PBX failing.
      if (errorCode(err) !== "ABORTED") this.#callsFailed(err);
      return;
    }
    this.#callsAnswered(next);
    for (const w of waiters) w.resolve();
  }

  #callsAnswered(next: Snapshot): void {
    const prev = this.#calls;
    const downSince = this.#outage.recover();
    if (downSince !== undefined) {
      this.#slow.reset();
      for (const sub of this.#subs) sub.tellUp(downSince, next.at);
      this.#updateStates();
    }
    this.#calls = next;
    // The first calls list (after start or recovery) is the baseline: nothing to compare with.
    if (!prev) {
      this.#reads.schedule();
      return;
    }
    for (const dn of changedLegs(prev.calls, next.calls, (n) => this.#entries.get(extensionKey(n)) !== undefined)) {
      const e = this.#entries.get(extensionKey(dn));
      if (e) this.#entries.readFirst(e);
    }
    const events = diffSnapshots(prev, next);
    for (const sub of this.#subs) sub.emit(events);
    this.#reads.schedule();
  }

  #callsFailed(err: unknown): void {
    if (this.#outage.fail(this.#clock.now(), errorCode(err), errorText(err))) {
      // What was known is stale now: recovery starts from a new baseline (no burst for the gap).
      this.#calls = null;
      this.#entries.forgetStates();
      for (const sub of this.#subs) sub.known.clear();
      this.#reads.failExtras(err);
      this.#reads.pause();
    }
    const down = this.#outage.down;
    if (down) for (const sub of this.#subs) sub.tellDown(down);
    this.#updateStates();
  }

  // --- helpers --------------------------------------------------------------------------------

  /** Periods (the shortest interval among each entry's watchers) and the calls interval. */
  #recompute(): void {
    this.#callsIntervalMs = Infinity;
    for (const sub of this.#subs) this.#callsIntervalMs = Math.min(this.#callsIntervalMs, sub.w.intervalMs);
    this.#entries.setPeriods();
  }

  #stateOf(sub: Sub): EngineState {
    const down = this.#outage.down;
    if (down) return { kind: "down", code: down.code, reason: down.reason, retryInMs: this.#outage.backoffMs(this.#callsIntervalMs) };
    const stretch = stretchOf(this.#entries.demand(), this.#budget, this.#slow.factor);
    return pollingState(sub.keys, sub.w.intervalMs, this.#entries, stretch, this.#slow.factor);
  }

  #updateStates(): void {
    for (const sub of this.#subs) sub.tellState(this.#stateOf(sub));
  }

  /** Drops the baseline (an engine idle for longer than resumeMs starts afresh). */
  #forget(): void {
    this.#entries.clear();
    this.#calls = null;
    this.#outage.reset();
  }

  /** No subscribers: stop timers, abort what is in flight, turn waiters away; settle. */
  async #halt(): Promise<void> {
    this.#callsAlarm.clear();
    this.#reads.pause();
    this.#callsCtl?.abort();
    this.#reads.abort();
    for (const w of this.#callWaiters.splice(0)) w.reject(new PollerStoppedError());
    this.#reads.turnAway();
    const inFlight = [this.#callsInFlight, ...this.#reads.inFlight];
    await Promise.allSettled(inFlight);
    // A subscriber may have joined while these settled: it restarts the timers itself.
  }
}
