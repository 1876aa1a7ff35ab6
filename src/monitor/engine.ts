/**
 * The poll engine of one PBX, shared by every `poll` monitor of one config node (SPEC §3, §5).
 *
 * - One calls poll (`pbx.callsinfo.get`) per interval: the shortest interval any subscriber asks for.
 * - Each watched extension and queue is one entry, read once however many subscribers watch it,
 *   by a pacer that starts reads no closer together than 1 / pollBudget seconds (never a burst),
 *   most stale first, and spreads them over the interval when there is room. An entry's wished
 *   refresh period is the shortest interval among its watchers; when the budget cannot carry them
 *   all, every period stretches by the same factor (the status says how fresh states are).
 * - Calls first: an extension that joins, leaves or changes its leg in a call (seen in the calls
 *   list) is read next, ahead of the round robin, so its extension.status follows within ~one tick.
 * - An entry the PBX refuses (404, NOT_FOUND, PBX_ERROR …) is reported and retried every
 *   `refusedRetryMs`, not every tick. Signs of strain (slow answers, 429, 5xx, timeouts) slow the
 *   reads (Slowdown) before anything else; the calls poll failing is the PBX being down: reads
 *   stop, the calls poll backs off, and each subscriber gets pbx.down once and pbx.up once.
 * - Subscribers join and leave at any time. A new one starts from what the engine knows (its
 *   baseline): no burst for it, no gap for the others. When the last one leaves, timers stop and
 *   the in-flight requests are aborted; one joining within `resumeMs` continues from the same
 *   baseline (a redeploy of a monitor misses no event and repeats none).
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
import { realClock, type Clock } from "./clock";
import { diffSnapshots, extensionEvent, queueEvents } from "./diff";
import { isPbxDown, type PollClient } from "./fetch";
import { PollerStoppedError } from "./poller";
import { buildSnapshot, parseExtState, parseMembers } from "./snapshot";
import { Slowdown, isStrain, SLOWDOWN_DEFAULTS, type SlowdownOptions } from "./slowdown";
import type { CallInfo, ExtState, MonitorEvent, QueueMember, Snapshot, TrackedCall } from "./types";

export const DEFAULT_POLL_BUDGET = 10;

export type EntryKind = "extension" | "queue";

/** What a subscriber is told about the engine's health, as it concerns its own entries. */
export type EngineState =
  | {
      readonly kind: "polling";
      /** Watched entries (extensions + queues) of this subscriber. */
      readonly entries: number;
      /** How often each of its states is read, at most (ms); 0 when it watches none. */
      readonly refreshMs: number;
      /** The budget stretches the refresh beyond the subscriber's interval. */
      readonly stretched: boolean;
      /** The PBX showed strain: reads are slowed by this factor (1 = not). */
      readonly slowdown: number;
      /** Its entries the PBX refused ("ext 999", "queue 850"), retried rarely. */
      readonly refused: readonly string[];
    }
  | { readonly kind: "down"; readonly code: string; readonly reason: string; readonly retryInMs: number }
  | { readonly kind: "stopped" };

export interface WatchRequest {
  readonly intervalMs: number;
  readonly extensions: readonly string[];
  readonly queues: readonly string[];
  onEvents(events: readonly MonitorEvent[]): void;
  onState?(state: EngineState): void;
  /** An entry of its watch lists that the PBX refused (each time it is refused again, too). */
  onEntryRefused?(kind: EntryKind, num: string, err: unknown): void;
}

export interface Subscription {
  snapshot(): Snapshot | null;
  pollNow(): Promise<Snapshot>;
  read(method: string, params: Readonly<Record<string, string>>): Promise<unknown>;
  close(): Promise<void>;
}

export interface EngineOptions {
  readonly client: PollClient;
  /** Requests per second for entry reads, all subscribers together (default 10). */
  readonly pollBudget?: number;
  /** The longest wait between calls polls while the PBX does not answer (default 60 000 ms). */
  readonly maxBackoffMs?: number;
  /** How often a refused entry is tried again (default 60 000 ms). */
  readonly refusedRetryMs?: number;
  /** Entry reads in flight at once (default 2): a slow PBX gets fewer, not more. */
  readonly maxReadsInFlight?: number;
  /** How long an engine without subscribers keeps its baseline (default 30 000 ms). */
  readonly resumeMs?: number;
  /** Longest wait of pollNow for a subscriber's entries' first reads (default 5000 ms). */
  readonly firstReadWaitMs?: number;
  readonly slowdown?: SlowdownOptions;
  readonly clock?: Clock;
}

interface Entry {
  readonly key: string;
  readonly kind: EntryKind;
  readonly num: string;
  readonly subs: Set<Sub>;
  periodMs: number;
  /** When the last read started (undefined: never). */
  lastReadAt: number | undefined;
  /** When the next read is due: a schedule one period apart, so a late read does not delay the next. */
  due: number;
  /** A read has finished (answered or refused) since the entry was (re)created. */
  readOnce: boolean;
  state: ExtState | ReadonlyMap<string, QueueMember> | undefined;
  refused: { readonly code: string } | undefined;
  inFlight: boolean;
}

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

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "ERROR";
}

function textOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Per watched DN: the calls and legs it is in ("id:role:status;…"), to see who joined, left or changed. */
function legSignatures(calls: ReadonlyMap<string, TrackedCall> | undefined, watched: ReadonlyMap<string, Entry>): Map<string, string> {
  const out = new Map<string, string>();
  if (!calls) return out;
  const add = (id: string, role: string, leg: unknown): void => {
    const dn = (leg as { dnNum?: unknown } | null)?.dnNum;
    if (dn === undefined || dn === null || !watched.has(`e:${String(dn)}`)) return;
    const key = String(dn);
    out.set(key, `${out.get(key) ?? ""}${id}:${role}:${String((leg as { status?: unknown }).status ?? "")};`);
  };
  for (const [id, t] of calls) {
    const c: CallInfo = t.call;
    add(id, "o", c.owner);
    if (Array.isArray(c.talkTo)) for (const leg of c.talkTo) add(id, "t", leg);
    if (Array.isArray(c.routingTo)) for (const leg of c.routingTo) add(id, "r", leg);
  }
  return out;
}

class Sub implements Subscription {
  /** Entry keys of its watch lists, in their order. */
  readonly keys: string[];
  /** Entries whose state it has seen (its baseline): changes of these are its events. */
  readonly known = new Set<string>();
  /** Told pbx.down at this time and not yet pbx.up. */
  downSince: number | undefined;
  lastState = "";
  closed = false;

  constructor(private readonly engine: PollEngine, readonly w: WatchRequest) {
    this.keys = [...new Set([...w.extensions.map((n) => `e:${n}`), ...w.queues.map((n) => `q:${n}`)])];
  }

  emit(events: readonly MonitorEvent[]): void {
    if (this.closed || events.length === 0) return;
    try {
      this.w.onEvents(events);
    } catch {
      // A subscriber's failure is its own: the engine and the other subscribers go on.
    }
  }

  snapshot(): Snapshot | null {
    return this.engine.snapshotOf(this);
  }

  pollNow(): Promise<Snapshot> {
    return this.engine.pollNowFor(this);
  }

  read(method: string, params: Readonly<Record<string, string>>): Promise<unknown> {
    return this.engine.extraRead(this, method, params);
  }

  close(): Promise<void> {
    return this.engine.leave(this);
  }
}

export class PollEngine {
  static #running = 0;
  /** Engines with subscribers (timers possibly set), in this process: redeploy tests check it. */
  static get active(): number {
    return PollEngine.#running;
  }

  readonly #client: PollClient;
  readonly #clock: Clock;
  readonly #budget: number;
  readonly #maxBackoffMs: number;
  readonly #refusedRetryMs: number;
  readonly #maxReads: number;
  readonly #resumeMs: number;
  readonly #firstReadWaitMs: number;
  readonly #slow: Slowdown;

  readonly #subs = new Set<Sub>();
  readonly #entries = new Map<string, Entry>();
  /** Entries to read before the round robin: never read yet, or their extension's call changed. */
  #urgent: Entry[] = [];
  #extras: Extra[] = [];
  #calls: Snapshot | null = null;
  #callsIntervalMs = Infinity;
  #callsTimer: unknown;
  #callsDueAt = Infinity;
  #callsInFlight: Promise<void> | undefined;
  #callsCtl: AbortController | undefined;
  #callWaiters: Waiter[] = [];
  #readCtl = new AbortController();
  #reads = new Set<Promise<void>>();
  #paceTimer: unknown;
  #paceAt = Infinity;
  #lastReadStart = -Infinity;
  #readWaiters: Waiter[] = [];
  #down: { since: number; code: string; reason: string } | undefined;
  #failures = 0;
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
    this.#maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.#refusedRetryMs = opts.refusedRetryMs ?? 60_000;
    this.#maxReads = Math.max(1, opts.maxReadsInFlight ?? 2);
    this.#resumeMs = opts.resumeMs ?? 30_000;
    this.#firstReadWaitMs = opts.firstReadWaitMs ?? 5000;
    this.#slow = new Slowdown(opts.slowdown ?? SLOWDOWN_DEFAULTS);
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
      let e = this.#entries.get(key);
      if (!e) {
        e = { key, kind: key.startsWith("e:") ? "extension" : "queue", num: key.slice(2), subs: new Set(), periodMs: w.intervalMs, lastReadAt: undefined, due: -Infinity, readOnce: false, state: undefined, refused: undefined, inFlight: false };
        this.#entries.set(key, e);
        this.#urgent.push(e);
      }
      e.subs.add(sub);
      if (e.state !== undefined) sub.known.add(key);
    }
    if (wasIdle) for (const [key, e] of this.#entries) if (e.subs.size === 0) this.#entries.delete(key);
    this.#recompute();
    if (wasIdle) {
      PollEngine.#running++;
      this.#idleSince = undefined;
    }
    if (this.#down || wasIdle) this.#scheduleCalls(0);
    else if (this.#calls) this.#scheduleCalls(Math.max(0, Math.min(this.#callsDueAt, this.#calls.at + this.#callsIntervalMs) - this.#clock.now()));
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
    for (const key of sub.keys) {
      const e = this.#entries.get(key);
      if (!e) continue;
      e.subs.delete(sub);
      // The last one out leaves its entries (and their states) for a subscriber joining soon.
      if (e.subs.size === 0 && this.#subs.size > 0) this.#entries.delete(key);
    }
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
    if (!this.#calls) return null;
    const extensions = new Map<string, ExtState>();
    const queues = new Map<string, ReadonlyMap<string, QueueMember>>();
    for (const key of sub.keys) {
      const e = this.#entries.get(key);
      if (e?.state === undefined) continue;
      if (e.kind === "extension") extensions.set(e.num, e.state as ExtState);
      else queues.set(e.num, e.state as ReadonlyMap<string, QueueMember>);
    }
    return { at: this.#calls.at, calls: this.#calls.calls, extensions, queues };
  }

  /** A calls poll that starts after this call, then (briefly) the first reads of its entries. */
  pollNowFor(sub: Sub): Promise<Snapshot> {
    if (sub.closed || this.#closed) return Promise.reject(new PollerStoppedError());
    const polled = new Promise<void>((resolve, reject) => this.#callWaiters.push({ resolve, reject }));
    if (!this.#callsInFlight) this.#scheduleCalls(0);
    return polled.then(() => this.#firstReads(sub)).then(() => {
      const snap = this.snapshotOf(sub);
      if (!snap || sub.closed) throw new PollerStoppedError();
      return snap;
    });
  }

  extraRead(sub: Sub, method: string, params: Readonly<Record<string, string>>): Promise<unknown> {
    if (sub.closed || this.#closed) return Promise.reject(new PollerStoppedError());
    if (this.#down) return Promise.reject(Object.assign(new Error(this.#down.reason), { code: this.#down.code }));
    return new Promise((resolve, reject) => {
      this.#extras.push({ sub, method, params, resolve, reject });
      this.#schedulePace();
    });
  }

  // --- the calls poll -------------------------------------------------------------------------

  #scheduleCalls(delayMs: number): void {
    if (this.#subs.size === 0 || this.#closed) return;
    const at = this.#clock.now() + delayMs;
    if (this.#callsTimer !== undefined) {
      if (this.#callsDueAt <= at) return;
      this.#clock.clearTimeout(this.#callsTimer);
    }
    this.#callsDueAt = at;
    this.#callsTimer = this.#clock.setTimeout(() => {
      this.#callsTimer = undefined;
      this.#callsDueAt = Infinity;
      if (this.#callsInFlight) return; // it schedules the next one when it ends
      const p = this.#pollCalls().finally(() => {
        this.#callsInFlight = undefined;
        this.#afterCalls();
      });
      this.#callsInFlight = p;
    }, Math.max(0, delayMs));
  }

  #afterCalls(): void {
    if (this.#subs.size === 0 || this.#closed) return;
    if (this.#callWaiters.length > 0) this.#scheduleCalls(0);
    else this.#scheduleCalls(this.#down ? this.#backoffMs() : this.#callsIntervalMs);
  }

  #backoffMs(): number {
    const cap = Math.max(this.#maxBackoffMs, this.#callsIntervalMs);
    return Math.min(cap, this.#callsIntervalMs * 2 ** Math.min(this.#failures - 1, 30));
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
      if (codeOf(err) !== "ABORTED") this.#callsFailed(err);
      return;
    }
    this.#callsAnswered(next);
    for (const w of waiters) w.resolve();
  }

  #callsAnswered(next: Snapshot): void {
    const prev = this.#calls;
    if (this.#down) {
      const since = this.#down.since;
      this.#down = undefined;
      this.#failures = 0;
      this.#slow.reset();
      for (const sub of this.#subs) {
        const from = sub.downSince ?? since;
        sub.downSince = undefined;
        const downtimeMs = Math.max(0, next.at - from);
        sub.emit([{ topic: "pbx.up", payload: { downtime: Math.round(downtimeMs / 1000), downtimeMs, since: new Date(from).toISOString(), at: new Date(next.at).toISOString() } }]);
      }
      this.#updateStates();
    }
    this.#calls = next;
    // The first calls list (after start or recovery) is the baseline: nothing to compare with.
    if (!prev) {
      this.#schedulePace();
      return;
    }
    const before = legSignatures(prev.calls, this.#entries);
    const after = legSignatures(next.calls, this.#entries);
    for (const dn of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(dn) === after.get(dn)) continue;
      const e = this.#entries.get(`e:${dn}`);
      if (e && !this.#urgent.includes(e)) this.#urgent.push(e);
    }
    const events = diffSnapshots(prev, next);
    for (const sub of this.#subs) sub.emit(events);
    this.#schedulePace();
  }

  #callsFailed(err: unknown): void {
    this.#failures++;
    const code = codeOf(err);
    const reason = textOf(err);
    if (!this.#down) {
      this.#down = { since: this.#clock.now(), code, reason };
      // What was known is stale now: recovery starts from a new baseline (no burst for the gap).
      this.#calls = null;
      for (const e of this.#entries.values()) {
        e.state = undefined;
        e.lastReadAt = undefined;
        e.due = -Infinity;
        if (!this.#urgent.includes(e)) this.#urgent.push(e);
      }
      for (const sub of this.#subs) sub.known.clear();
      for (const x of this.#extras.splice(0)) x.reject(err);
      this.#clearPace();
    }
    this.#down = { ...this.#down, code, reason };
    for (const sub of this.#subs) {
      if (sub.downSince !== undefined) continue;
      sub.downSince = this.#down.since;
      sub.emit([{ topic: "pbx.down", payload: { reason, code, since: new Date(this.#down.since).toISOString() } }]);
    }
    this.#updateStates();
  }

  // --- the paced reads ------------------------------------------------------------------------

  /** Entry reads per second wished for (each entry once per period; refused ones rarely). */
  #demand(): number {
    let perSecond = 0;
    for (const e of this.#entries.values()) perSecond += 1000 / (e.refused ? this.#refusedRetryMs : e.periodMs);
    return perSecond;
  }

  #effectiveBudget(): number {
    return this.#budget / this.#slow.factor;
  }

  /** How much the budget stretches every entry's period (1 = each is read as often as wished). */
  #stretch(): number {
    return Math.max(1, this.#demand() / this.#effectiveBudget());
  }

  #hasUrgent(): boolean {
    this.#urgent = this.#urgent.filter((e) => this.#entries.get(e.key) === e && !e.inFlight);
    return this.#urgent.length > 0 || this.#extras.length > 0;
  }

  /** When the next read may start, or undefined when there is nothing to read. */
  #nextReadAt(): number | undefined {
    if (this.#reads.size >= this.#maxReads) return undefined; // a finishing read looks again
    const gap = 1000 / this.#effectiveBudget();
    if (this.#hasUrgent()) return this.#lastReadStart + gap;
    let due = Infinity;
    for (const e of this.#entries.values()) if (!e.inFlight) due = Math.min(due, e.due);
    if (due === Infinity) return undefined;
    // Room in the budget: spread the reads over the periods instead of bunching them (with a
    // fifth to spare, so that a late answer does not make every later read late too).
    const demand = this.#demand() * 1.25;
    const spread = demand > 0 ? Math.max(gap, 1000 / demand) : gap;
    return Math.max(due, this.#lastReadStart + spread);
  }

  #clearPace(): void {
    if (this.#paceTimer !== undefined) this.#clock.clearTimeout(this.#paceTimer);
    this.#paceTimer = undefined;
    this.#paceAt = Infinity;
  }

  #schedulePace(): void {
    if (this.#subs.size === 0 || this.#closed || this.#down || !this.#calls) {
      this.#clearPace();
      return;
    }
    const at = this.#nextReadAt();
    if (at === undefined) return;
    if (this.#paceTimer !== undefined && this.#paceAt <= at) return;
    this.#clearPace();
    const now = this.#clock.now();
    this.#paceAt = Math.max(now, at);
    this.#paceTimer = this.#clock.setTimeout(() => {
      this.#paceTimer = undefined;
      this.#paceAt = Infinity;
      this.#readNext();
      this.#schedulePace();
    }, Math.max(0, at - now));
  }

  #pick(now: number): Entry | Extra | undefined {
    if (this.#hasUrgent()) return this.#urgent.shift() ?? this.#extras.shift();
    let best: Entry | undefined;
    let bestDue = Infinity;
    for (const e of this.#entries.values()) {
      if (e.inFlight) continue;
      if (e.due < bestDue) {
        best = e;
        bestDue = e.due;
      }
    }
    return best && bestDue <= now ? best : undefined;
  }

  #readNext(): void {
    if (this.#subs.size === 0 || this.#closed || this.#down || this.#reads.size >= this.#maxReads) return;
    const now = this.#clock.now();
    if (now < this.#lastReadStart + 1000 / this.#effectiveBudget()) return; // the budget shrank since the timer was set
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
      job.inFlight = true;
      job.lastReadAt = now;
      // Late by less than half a period: the next read catches up; later (stretched): a new start.
      job.due = job.refused ? now + this.#refusedRetryMs : job.due === -Infinity ? now + job.periodMs : Math.max(job.due + job.periodMs, now + job.periodMs / 2);
      this.stats.reads++;
      const method = job.kind === "extension" ? "ext.state.get" : "queue.members.get";
      p = this.#client.call(method, { num: job.num }, { signal, priority: "monitor" }).then(
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
    if (this.#slow.observe(now, now - started, err === undefined ? undefined : codeOf(err))) this.#updateStates();
  }

  /** True while a read's answer still matters (the entry is watched, the PBX up, the engine running). */
  #live(e: Entry): boolean {
    e.inFlight = false;
    return this.#subs.size > 0 && !this.#closed && this.#entries.get(e.key) === e;
  }

  #entryAnswered(e: Entry, started: number, data: unknown): void {
    if (!this.#live(e)) return;
    this.#observe(started);
    if (this.#down) return;
    const state = e.kind === "extension" ? parseExtState(e.num, data) : parseMembers(data);
    if (state === undefined) {
      const what = e.kind === "extension" ? "ext.state.get" : "queue.members.get";
      this.#refuse(e, started, Object.assign(new Error(`${what} ${e.num}: the answer is not the documented shape`), { code: "BAD_RESPONSE" }));
      return;
    }
    const wasRefused = e.refused !== undefined;
    e.refused = undefined;
    if (wasRefused) e.due = started + e.periodMs;
    const prev = e.state;
    e.state = state;
    e.readOnce = true;
    const events: MonitorEvent[] = [];
    if (prev !== undefined) {
      const atIso = new Date(this.#clock.now()).toISOString();
      if (e.kind === "extension") {
        const ev = extensionEvent(e.num, prev as ExtState, state as ExtState, atIso);
        if (ev) events.push(ev);
      } else {
        queueEvents(e.num, prev as ReadonlyMap<string, QueueMember>, state as ReadonlyMap<string, QueueMember>, atIso, events);
      }
    }
    for (const sub of e.subs) {
      if (sub.known.has(e.key)) sub.emit(events);
      else sub.known.add(e.key);
    }
    this.#wakeReadWaiters();
    if (wasRefused) this.#updateStates();
  }

  #entryFailed(e: Entry, started: number, err: unknown): void {
    if (!this.#live(e)) return;
    this.#observe(started, err);
    if (this.#down || codeOf(err) === "ABORTED") return;
    // The PBX struggling or down is not the entry's fault: its last state stays, the calls poll judges.
    if (isStrain(codeOf(err)) || isPbxDown(err)) {
      e.readOnce = true;
      this.#wakeReadWaiters();
      return;
    }
    this.#refuse(e, started, err);
  }

  #refuse(e: Entry, started: number, err: unknown): void {
    const wasRefused = e.refused !== undefined;
    e.refused = { code: codeOf(err) };
    e.due = started + this.#refusedRetryMs;
    e.readOnce = true;
    for (const sub of e.subs) {
      try {
        sub.w.onEntryRefused?.(e.kind, e.num, err);
      } catch {
        // the subscriber's own failure
      }
    }
    this.#wakeReadWaiters();
    if (!wasRefused) this.#updateStates();
  }

  // --- helpers --------------------------------------------------------------------------------

  #firstReads(sub: Sub): Promise<void> {
    const pending = (): boolean => sub.keys.some((k) => {
      const e = this.#entries.get(k);
      return e !== undefined && !e.readOnce;
    });
    if (!pending()) return Promise.resolve();
    const end = this.#clock.now() + this.#firstReadWaitMs;
    return new Promise<void>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => finish(), this.#firstReadWaitMs);
      const finish = (err?: unknown): void => {
        this.#clock.clearTimeout(timer);
        this.#readWaiters = this.#readWaiters.filter((w) => w !== waiter);
        if (err) reject(err);
        else resolve();
      };
      const waiter: Waiter = {
        resolve: () => {
          if (!pending() || this.#clock.now() >= end || sub.closed) finish();
          else this.#readWaiters.push(waiter);
        },
        reject: finish,
      };
      this.#readWaiters.push(waiter);
    });
  }

  #wakeReadWaiters(): void {
    for (const w of this.#readWaiters.splice(0)) w.resolve();
  }

  /** Periods (the shortest interval among each entry's watchers) and the calls interval. */
  #recompute(): void {
    this.#callsIntervalMs = Infinity;
    for (const sub of this.#subs) this.#callsIntervalMs = Math.min(this.#callsIntervalMs, sub.w.intervalMs);
    for (const e of this.#entries.values()) {
      let p = Infinity;
      for (const sub of e.subs) p = Math.min(p, sub.w.intervalMs);
      e.periodMs = p;
    }
  }

  #stateOf(sub: Sub): EngineState {
    if (this.#down) return { kind: "down", code: this.#down.code, reason: this.#down.reason, retryInMs: this.#backoffMs() };
    const stretch = this.#stretch();
    let period = 0;
    const refused: string[] = [];
    for (const key of sub.keys) {
      const e = this.#entries.get(key);
      if (!e) continue;
      if (e.refused) refused.push(`${e.kind === "extension" ? "ext" : "queue"} ${e.num}`);
      else period = Math.max(period, e.periodMs);
    }
    const refreshMs = Math.round(period * stretch);
    return { kind: "polling", entries: sub.keys.length, refreshMs, stretched: refreshMs > sub.w.intervalMs * 1.05, slowdown: this.#slow.factor, refused };
  }

  #updateStates(): void {
    for (const sub of this.#subs) {
      const s = this.#stateOf(sub);
      const key = JSON.stringify(s.kind === "down" ? { k: s.kind, c: s.code, r: s.retryInMs } : s);
      if (key === sub.lastState) continue;
      sub.lastState = key;
      try {
        sub.w.onState?.(s);
      } catch {
        // the subscriber's own failure
      }
    }
  }

  /** Drops the baseline (an engine idle for longer than resumeMs starts afresh). */
  #forget(): void {
    this.#entries.clear();
    this.#calls = null;
    this.#down = undefined;
    this.#failures = 0;
    this.#urgent = [];
  }

  /** No subscribers: stop timers, abort what is in flight, turn waiters away; settle. */
  async #halt(): Promise<void> {
    if (this.#callsTimer !== undefined) this.#clock.clearTimeout(this.#callsTimer);
    this.#callsTimer = undefined;
    this.#callsDueAt = Infinity;
    this.#clearPace();
    this.#callsCtl?.abort();
    this.#readCtl.abort();
    this.#readCtl = new AbortController();
    for (const w of this.#callWaiters.splice(0)) w.reject(new PollerStoppedError());
    for (const w of this.#readWaiters.splice(0)) w.reject(new PollerStoppedError());
    for (const x of this.#extras.splice(0)) x.reject(new PollerStoppedError());
    const inFlight = [this.#callsInFlight, ...this.#reads];
    await Promise.allSettled(inFlight);
    // A subscriber may have joined while these settled: it restarts the timers itself.
  }
}
