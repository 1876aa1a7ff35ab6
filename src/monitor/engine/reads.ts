/**
 * The engine's paced reads: each entry's state (ext.state.get / queue.members.get) and the extra
 * reads of its subscribers (statistics, look-ups), started one at a time no closer together than
 * the budget allows (pacing.ts), urgent ones first, at most `maxReads` in flight, each answer
 * turned into events for the entry's watchers. Strain in the answers slows the budget (Slowdown).
 */
import type { Clock } from "../clock";
import { errorCode } from "../errors";
import { isPbxDown, type PollClient } from "../fetch";
import { PollerStoppedError } from "../poller";
import { isStrain, type Slowdown } from "../slowdown";
import type { MonitorEvent } from "../types";
import { Alarm } from "./alarm";
import { entryEvents, parseEntryState, readMethod, type Entries, type Entry } from "./entries";
import { FirstReads } from "./first-reads";
import { nextReadAt, readGapMs } from "./pacing";
import type { Sub } from "./subscribers";

/** One extra read waiting for its turn within the budget. */
interface Extra {
  readonly sub: Sub;
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  resolve(data: unknown): void;
  reject(err: unknown): void;
}

export interface ReadsOptions {
  readonly client: PollClient;
  readonly clock: Clock;
  /** Reads per second, all subscribers together. */
  readonly budget: number;
  readonly maxReads: number;
  readonly firstReadWaitMs: number;
  readonly slow: Slowdown;
  readonly entries: Entries;
  /** The engine's request counts: reads and extras are counted here. */
  readonly stats: { reads: number; extras: number };
  /** Subscribers are there and the engine runs. */
  running(): boolean;
  /** The PBX is down: reads wait for the calls poll to see it back. */
  isDown(): boolean;
  /** A calls list is known (reads start after the first one). */
  hasCalls(): boolean;
  /** Something the subscribers' states show has changed (slowdown, refused entries). */
  stateChanged(): void;
}

export class PacedReads {
  readonly #o: ReadsOptions;
  readonly #alarm: Alarm;
  readonly #firstReads: FirstReads;
  #extras: Extra[] = [];
  #ctl = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #lastStart = -Infinity;

  constructor(opts: ReadsOptions) {
    this.#o = opts;
    this.#firstReads = new FirstReads(opts.clock, opts.firstReadWaitMs);
    this.#alarm = new Alarm(opts.clock, () => {
      this.#readNext();
      this.schedule();
    });
  }

  /** The reads not yet settled. */
  get inFlight(): Iterable<Promise<void>> {
    return this.#inFlight;
  }

  /** Sets the timer for the next read, if there is one to start. */
  schedule(): void {
    if (!this.#o.running() || this.#o.isDown() || !this.#o.hasCalls()) {
      this.#alarm.clear();
      return;
    }
    if (this.#inFlight.size >= this.#o.maxReads) return; // a finishing read looks again
    const at = nextReadAt(this.#lastStart, this.#gapMs(), this.#hasUrgent(), this.#o.entries);
    if (at !== undefined) this.#alarm.ringAt(at);
  }

  /** No reads until schedule() is called again (the PBX down, the engine halting). */
  pause(): void {
    this.#alarm.clear();
  }

  /** One extra read for `sub`, paced like the entry reads. */
  extra(sub: Sub, method: string, params: Readonly<Record<string, string>>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#extras.push({ sub, method, params, resolve, reject });
      this.schedule();
    });
  }

  /** `sub` left: its waiting extra reads are turned away. */
  dropExtrasOf(sub: Sub): void {
    for (const x of this.#extras.filter((x) => x.sub === sub)) x.reject(new PollerStoppedError());
    this.#extras = this.#extras.filter((x) => x.sub !== sub);
  }

  /** The PBX is down: the waiting extra reads fail with its error. */
  failExtras(err: unknown): void {
    for (const x of this.#extras.splice(0)) x.reject(err);
  }

  /** Resolves once `sub`'s entries have each been read once (briefly: pollNow waits for it). */
  firstReadsOf(sub: Sub): Promise<void> {
    const pending = (): boolean => sub.keys.some((k) => {
      const e = this.#o.entries.get(k);
      return e !== undefined && !e.readOnce;
    });
    return this.#firstReads.wait(pending, () => sub.closed);
  }

  /** Aborts the reads in flight (their answers no longer matter). */
  abort(): void {
    this.#ctl.abort();
    this.#ctl = new AbortController();
  }

  /** Turns away whoever waits: pollNow's first reads, then the extra reads. */
  turnAway(): void {
    this.#firstReads.rejectAll(() => new PollerStoppedError());
    for (const x of this.#extras.splice(0)) x.reject(new PollerStoppedError());
  }

  #gapMs(): number {
    return readGapMs(this.#o.budget, this.#o.slow.factor);
  }

  #hasUrgent(): boolean {
    return this.#o.entries.hasUrgent() || this.#extras.length > 0;
  }

  #pick(now: number): Entry | Extra | undefined {
    if (this.#hasUrgent()) return this.#o.entries.takeUrgent() ?? this.#extras.shift();
    return this.#o.entries.mostStale(now);
  }

  #readNext(): void {
    if (!this.#o.running() || this.#o.isDown() || this.#inFlight.size >= this.#o.maxReads) return;
    const now = this.#o.clock.now();
    if (now < this.#lastStart + this.#gapMs()) return; // the budget shrank since the timer was set
    const job = this.#pick(now);
    if (!job) return;
    this.#lastStart = now;
    const signal = this.#ctl.signal;
    let p: Promise<void>;
    if ("sub" in job) {
      this.#o.stats.extras++;
      p = this.#o.client.call(job.method, job.params, { signal, priority: "monitor" }).then(
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
      this.#o.entries.startRead(job, now);
      this.#o.stats.reads++;
      p = this.#o.client.call(readMethod(job.kind), { num: job.num }, { signal, priority: "monitor" }).then(
        (a) => this.#entryAnswered(job, now, a.data),
        (err: unknown) => this.#entryFailed(job, now, err),
      );
    }
    const tracked = p.finally(() => {
      this.#inFlight.delete(tracked);
      this.schedule();
    });
    this.#inFlight.add(tracked);
  }

  #observe(started: number, err?: unknown): void {
    const now = this.#o.clock.now();
    if (this.#o.slow.observe(now, now - started, err === undefined ? undefined : errorCode(err))) this.#o.stateChanged();
  }

  /** True while a read's answer still matters (the entry is watched, the engine running). */
  #live(e: Entry): boolean {
    e.inFlight = false;
    return this.#o.running() && this.#o.entries.holds(e);
  }

  #entryAnswered(e: Entry, started: number, data: unknown): void {
    if (!this.#live(e)) return;
    this.#observe(started);
    if (this.#o.isDown()) return;
    const state = parseEntryState(e, data);
    if (state === undefined) {
      this.#refuse(e, started, Object.assign(new Error(`${readMethod(e.kind)} ${e.num}: the answer is not the documented shape`), { code: "BAD_RESPONSE" }));
      return;
    }
    const { prev, wasRefused } = this.#o.entries.answered(e, started, state);
    const events: MonitorEvent[] = prev === undefined ? [] : entryEvents(e, prev, state, new Date(this.#o.clock.now()).toISOString());
    for (const sub of e.subs) {
      if (sub.known.has(e.key)) sub.emit(events);
      else sub.known.add(e.key);
    }
    this.#firstReads.wake();
    if (wasRefused) this.#o.stateChanged();
  }

  #entryFailed(e: Entry, started: number, err: unknown): void {
    if (!this.#live(e)) return;
    this.#observe(started, err);
    if (this.#o.isDown() || errorCode(err) === "ABORTED") return;
    // The PBX struggling or down is not the entry's fault: its last state stays, the calls poll judges.
    if (isStrain(errorCode(err)) || isPbxDown(err)) {
      e.readOnce = true;
      this.#firstReads.wake();
      return;
    }
    this.#refuse(e, started, err);
  }

  #refuse(e: Entry, started: number, err: unknown): void {
    const wasRefused = this.#o.entries.refuse(e, started, errorCode(err));
    for (const sub of e.subs) sub.tellRefused(e.kind, e.num, err);
    this.#firstReads.wake();
    if (!wasRefused) this.#o.stateChanged();
  }
}
