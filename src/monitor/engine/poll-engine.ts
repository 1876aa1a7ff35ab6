/**
 * The poll engine of one PBX, shared by every `poll` monitor of one config node (SPEC §3, §5).
 *
 * - One calls poll (`pbx.callsinfo.get`) per interval: the shortest interval any subscriber asks for.
 * - Each watched extension and queue is one entry (entries.ts), read once however many subscribers
 *   watch it, by a pacer (pacing.ts) that starts reads no closer together than 1 / pollBudget
 *   seconds (never a burst), most stale first, and spreads them over the interval when there is
 *   room. An entry's wished refresh period is the shortest interval among its watchers; when the
 *   budget cannot carry them all, every period stretches by the same factor (the status says how
 *   fresh states are).
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
import { isPbxDown, type PollClient } from "../fetch";
import { PollerStoppedError } from "../poller";
import { buildSnapshot } from "../snapshot";
import { Slowdown, isStrain, SLOWDOWN_DEFAULTS } from "../slowdown";
import type { MonitorEvent, Snapshot } from "../types";
import { Alarm } from "./alarm";
import { DEFAULT_POLL_BUDGET, type EngineOptions, type EngineState, type Subscription, type WatchRequest } from "./api";
import { changedLegs } from "./calls-first";
import { Entries, entryEvents, extensionKey, parseEntryState, readMethod, type Entry } from "./entries";
import { FirstReads } from "./first-reads";
import { Outage } from "./outage";
import { nextReadAt, readGapMs, stretchOf } from "./pacing";
import { pollingState, Sub, viewOf, type SubscriptionHost } from "./subscribers";

/** One extra read (statistics, look-ups) waiting for its turn within the budget. */
interface Extra {
  readonly sub: Sub;
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  resolve(data: unknown): void;
  reject(err: unknown): void;
}

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
  readonly #maxReads: number;
  readonly #resumeMs: number;
  readonly #slow: Slowdown;
  readonly #outage: Outage;
  readonly #entries: Entries;
  readonly #firstReads: FirstReads;

  readonly #subs = new Set<Sub>();
  #extras: Extra[] = [];
  #calls: Snapshot | null = null;
  #callsIntervalMs = Infinity;
  readonly #callsAlarm: Alarm;
  #callsInFlight: Promise<void> | undefined;
  #callsCtl: AbortController | undefined;
  #callWaiters: Waiter[] = [];
  #readCtl = new AbortController();
  #reads = new Set<Promise<void>>();
  readonly #paceAlarm: Alarm;
  #lastReadStart = -Infinity;
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
    this.#maxReads = Math.max(1, opts.maxReadsInFlight ?? 2);
    this.#resumeMs = opts.resumeMs ?? 30_000;
    this.#firstReads = new FirstReads(this.#clock, opts.firstReadWaitMs ?? 5000);
    this.#slow = new Slowdown(opts.slowdown ?? SLOWDOWN_DEFAULTS);
    this.#callsAlarm = new Alarm(this.#clock, () => this.#startCalls());
    this.#paceAlarm = new Alarm(this.#clock, () => {
      this.#readNext();
      this.#schedulePace();
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
    this.#schedulePace();
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
    for (const x of this.#extras.filter((x) => x.sub === sub)) x.reject(new PollerStoppedError());
    this.#extras = this.#extras.filter((x) => x.sub !== sub);
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
    const pending = (): boolean => sub.keys.some((k) => {
      const e = this.#entries.get(k);
      return e !== undefined && !e.readOnce;
    });
    return polled.then(() => this.#firstReads.wait(pending, () => sub.closed)).then(() => {
      const snap = this.snapshotOf(sub);
      if (!snap || sub.closed) throw new PollerStoppedError();
      return snap;
    });
  }

  extraRead(sub: Sub, method: string, params: Readonly<Record<string, string>>): Promise<unknown> {
    if (sub.closed || this.#closed) return Promise.reject(new PollerStoppedError());
    const down = this.#outage.down;
    if (down) return Promise.reject(Object.assign(new Error(down.reason), { code: down.code }));
    return new Promise((resolve, reject) => {
      this.#extras.push({ sub, method, params, resolve, reject });
      this.#schedulePace();
    });
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
      this.#schedulePace();
      return;
    }
    for (const dn of changedLegs(prev.calls, next.calls, (n) => this.#entries.get(extensionKey(n)) !== undefined)) {
      const e = this.#entries.get(extensionKey(dn));
      if (e) this.#entries.readFirst(e);
    }
    const events = diffSnapshots(prev, next);
    for (const sub of this.#subs) sub.emit(events);
    this.#schedulePace();
  }

  #callsFailed(err: unknown): void {
    if (this.#outage.fail(this.#clock.now(), errorCode(err), errorText(err))) {
      // What was known is stale now: recovery starts from a new baseline (no burst for the gap).
      this.#calls = null;
      this.#entries.forgetStates();
      for (const sub of this.#subs) sub.known.clear();
      for (const x of this.#extras.splice(0)) x.reject(err);
      this.#paceAlarm.clear();
    }
    const down = this.#outage.down;
    if (down) for (const sub of this.#subs) sub.tellDown(down);
    this.#updateStates();
  }

  // --- the paced reads ------------------------------------------------------------------------

  #gapMs(): number {
    return readGapMs(this.#budget, this.#slow.factor);
  }

  #hasUrgent(): boolean {
    return this.#entries.hasUrgent() || this.#extras.length > 0;
  }

  #schedulePace(): void {
    if (this.#subs.size === 0 || this.#closed || this.#outage.down || !this.#calls) {
      this.#paceAlarm.clear();
      return;
    }
    if (this.#reads.size >= this.#maxReads) return; // a finishing read looks again
    const at = nextReadAt(this.#lastReadStart, this.#gapMs(), this.#hasUrgent(), this.#entries);
    if (at !== undefined) this.#paceAlarm.ringAt(at);
  }

  #pick(now: number): Entry | Extra | undefined {
    if (this.#hasUrgent()) return this.#entries.takeUrgent() ?? this.#extras.shift();
    return this.#entries.mostStale(now);
  }

  #readNext(): void {
    if (this.#subs.size === 0 || this.#closed || this.#outage.down || this.#reads.size >= this.#maxReads) return;
    const now = this.#clock.now();
    if (now < this.#lastReadStart + this.#gapMs()) return; // the budget shrank since the timer was set
    const job = this.#pick(now);
    if (!job) return;
    this.#lastReadStart = now;
    const signal = this.#readCtl.signal;
    let p: Promise<void>;
    if ("sub" in job) {
      this.stats.extras++;
      p = this.#client.call(job.method, job.params, { signal, priority: "monitor" }).then(
        (a) => {
          this.#observe(now);
          job.resolve(a.data);
        },
        (err: unknown) => {
          this.#observe(now, err);
          job.reject(err);
        },
      );
    } else {
      this.#entries.startRead(job, now);
      this.stats.reads++;
      p = this.#client.call(readMethod(job.kind), { num: job.num }, { signal, priority: "monitor" }).then(
        (a) => this.#entryAnswered(job, now, a.data),
        (err: unknown) => this.#entryFailed(job, now, err),
      );
    }
    const tracked = p.finally(() => {
      this.#reads.delete(tracked);
      this.#schedulePace();
    });
    this.#reads.add(tracked);
  }

  #observe(started: number, err?: unknown): void {
    const now = this.#clock.now();
    if (this.#slow.observe(now, now - started, err === undefined ? undefined : errorCode(err))) this.#updateStates();
  }

  /** True while a read's answer still matters (the entry is watched, the PBX up, the engine running). */
  #live(e: Entry): boolean {
    e.inFlight = false;
    return this.#subs.size > 0 && !this.#closed && this.#entries.holds(e);
  }

  #entryAnswered(e: Entry, started: number, data: unknown): void {
    if (!this.#live(e)) return;
    this.#observe(started);
    if (this.#outage.down) return;
    const state = parseEntryState(e, data);
    if (state === undefined) {
      this.#refuse(e, started, Object.assign(new Error(`${readMethod(e.kind)} ${e.num}: the answer is not the documented shape`), { code: "BAD_RESPONSE" }));
      return;
    }
    const { prev, wasRefused } = this.#entries.answered(e, started, state);
    const events: MonitorEvent[] = prev === undefined ? [] : entryEvents(e, prev, state, new Date(this.#clock.now()).toISOString());
    for (const sub of e.subs) {
      if (sub.known.has(e.key)) sub.emit(events);
      else sub.known.add(e.key);
    }
    this.#firstReads.wake();
    if (wasRefused) this.#updateStates();
  }

  #entryFailed(e: Entry, started: number, err: unknown): void {
    if (!this.#live(e)) return;
    this.#observe(started, err);
    if (this.#outage.down || errorCode(err) === "ABORTED") return;
    // The PBX struggling or down is not the entry's fault: its last state stays, the calls poll judges.
    if (isStrain(errorCode(err)) || isPbxDown(err)) {
      e.readOnce = true;
      this.#firstReads.wake();
      return;
    }
    this.#refuse(e, started, err);
  }

  #refuse(e: Entry, started: number, err: unknown): void {
    const wasRefused = this.#entries.refuse(e, started, errorCode(err));
    for (const sub of e.subs) sub.tellRefused(e.kind, e.num, err);
    this.#firstReads.wake();
    if (!wasRefused) this.#updateStates();
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
    this.#paceAlarm.clear();
    this.#callsCtl?.abort();
    this.#readCtl.abort();
    this.#readCtl = new AbortController();
    for (const w of this.#callWaiters.splice(0)) w.reject(new PollerStoppedError());
    this.#firstReads.rejectAll(() => new PollerStoppedError());
    for (const x of this.#extras.splice(0)) x.reject(new PollerStoppedError());
    const inFlight = [this.#callsInFlight, ...this.#reads];
    await Promise.allSettled(inFlight);
    // A subscriber may have joined while these settled: it restarts the timers itself.
  }
}
