/**
 * The watched entries of one engine: each extension or queue once, however many subscribers watch
 * it, with its last state, when its next read is due and whether the PBX refused it. Plain state
 * and arithmetic on the times it is given; the engine decides when to read.
 */
import { extensionEvent, queueEvents } from "../diff";
import { parseExtState, parseMembers } from "../snapshot";
import type { ExtState, MonitorEvent, QueueMember } from "../types";
import type { EntryKind } from "./api";
import type { Sub } from "./subscribers";

export type EntryState = ExtState | ReadonlyMap<string, QueueMember>;

export interface Entry {
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
  state: EntryState | undefined;
  refused: { readonly code: string } | undefined;
  inFlight: boolean;
}

export const extensionKey = (num: string): string => `e:${num}`;
export const queueKey = (num: string): string => `q:${num}`;

export function readMethod(kind: EntryKind): "ext.state.get" | "queue.members.get" {
  return kind === "extension" ? "ext.state.get" : "queue.members.get";
}

/** "ext 999", "queue 850": how a status names it. */
export function entryLabel(e: Entry): string {
  return `${e.kind === "extension" ? "ext" : "queue"} ${e.num}`;
}

/** The state in a read's answer, or undefined when it is not the documented shape. */
export function parseEntryState(e: Entry, data: unknown): EntryState | undefined {
  return e.kind === "extension" ? parseExtState(e.num, data) : parseMembers(data);
}

/** What changed between two states of one entry, as events. */
export function entryEvents(e: Entry, prev: EntryState, next: EntryState, atIso: string): MonitorEvent[] {
  const events: MonitorEvent[] = [];
  if (e.kind === "extension") {
    const ev = extensionEvent(e.num, prev as ExtState, next as ExtState, atIso);
    if (ev) events.push(ev);
  } else {
    queueEvents(e.num, prev as ReadonlyMap<string, QueueMember>, next as ReadonlyMap<string, QueueMember>, atIso, events);
  }
  return events;
}

export class Entries {
  readonly #map = new Map<string, Entry>();
  /** Entries to read before the round robin: never read yet, or their extension's call changed. */
  #urgent: Entry[] = [];

  /** @param refusedRetryMs how often an entry the PBX refused is tried again */
  constructor(private readonly refusedRetryMs: number) {}

  get size(): number {
    return this.#map.size;
  }

  get(key: string): Entry | undefined {
    return this.#map.get(key);
  }

  values(): IterableIterator<Entry> {
    return this.#map.values();
  }

  /** True while `e` is still the entry of its key (not dropped or recreated meanwhile). */
  holds(e: Entry): boolean {
    return this.#map.get(e.key) === e;
  }

  /** The entry of `key`, with `sub` among its watchers; a new one is read first. */
  join(key: string, sub: Sub, periodMs: number): Entry {
    let e = this.#map.get(key);
    if (!e) {
      e = { key, kind: key.startsWith("e:") ? "extension" : "queue", num: key.slice(2), subs: new Set(), periodMs, lastReadAt: undefined, due: -Infinity, readOnce: false, state: undefined, refused: undefined, inFlight: false };
      this.#map.set(key, e);
      this.#urgent.push(e);
    }
    e.subs.add(sub);
    return e;
  }

  /** `sub` no longer watches `keys`; entries nobody watches go, unless `keep` (the baseline kept for a resume). */
  leave(sub: Sub, keys: readonly string[], keep: boolean): void {
    for (const key of keys) {
      const e = this.#map.get(key);
      if (!e) continue;
      e.subs.delete(sub);
      if (e.subs.size === 0 && !keep) this.#map.delete(key);
    }
  }

  /** Drops the entries kept for a resume that the subscribers now watching do not want. */
  dropUnwatched(): void {
    for (const [key, e] of this.#map) if (e.subs.size === 0) this.#map.delete(key);
  }

  /** Each entry's period: the shortest interval among its watchers. */
  setPeriods(): void {
    for (const e of this.#map.values()) {
      let p = Infinity;
      for (const sub of e.subs) p = Math.min(p, sub.w.intervalMs);
      e.periodMs = p;
    }
  }

  /** Reads `e` ahead of the round robin. */
  readFirst(e: Entry): void {
    if (!this.#urgent.includes(e)) this.#urgent.push(e);
  }

  /** Something to read ahead of the round robin (dropping entries gone or already being read). */
  hasUrgent(): boolean {
    this.#urgent = this.#urgent.filter((e) => this.holds(e) && !e.inFlight);
    return this.#urgent.length > 0;
  }

  takeUrgent(): Entry | undefined {
    return this.#urgent.shift();
  }

  /** The earliest due time of an entry not being read (Infinity: none). */
  earliestDue(): number {
    let due = Infinity;
    for (const e of this.#map.values()) if (!e.inFlight) due = Math.min(due, e.due);
    return due;
  }

  /** The most stale entry not being read, if it is due by `now`. */
  mostStale(now: number): Entry | undefined {
    let best: Entry | undefined;
    let bestDue = Infinity;
    for (const e of this.#map.values()) {
      if (e.inFlight) continue;
      if (e.due < bestDue) {
        best = e;
        bestDue = e.due;
      }
    }
    return best && bestDue <= now ? best : undefined;
  }

  /** Entry reads per second wished for (each entry once per period; refused ones rarely). */
  demand(): number {
    let perSecond = 0;
    for (const e of this.#map.values()) perSecond += 1000 / (e.refused ? this.refusedRetryMs : e.periodMs);
    return perSecond;
  }

  /** A read of `e` starts at `now`: when is the next one due? */
  startRead(e: Entry, now: number): void {
    e.inFlight = true;
    e.lastReadAt = now;
    // Late by less than half a period: the next read catches up; later (stretched): a new start.
    e.due = e.refused ? now + this.refusedRetryMs : e.due === -Infinity ? now + e.periodMs : Math.max(e.due + e.periodMs, now + e.periodMs / 2);
  }

  /** The read started at `started` answered `state`; returns the state before and whether it had been refused. */
  answered(e: Entry, started: number, state: EntryState): { prev: EntryState | undefined; wasRefused: boolean } {
    const wasRefused = e.refused !== undefined;
    e.refused = undefined;
    if (wasRefused) e.due = started + e.periodMs;
    const prev = e.state;
    e.state = state;
    e.readOnce = true;
    return { prev, wasRefused };
  }

  /** The PBX refused the read started at `started`: tried again only after refusedRetryMs. True if it was refused already. */
  refuse(e: Entry, started: number, code: string): boolean {
    const wasRefused = e.refused !== undefined;
    e.refused = { code };
    e.due = started + this.refusedRetryMs;
    e.readOnce = true;
    return wasRefused;
  }

  /** The PBX was down: every state is stale, each entry is read first once it is back. */
  forgetStates(): void {
    for (const e of this.#map.values()) {
      e.state = undefined;
      e.lastReadAt = undefined;
      e.due = -Infinity;
      this.readFirst(e);
    }
  }

  clear(): void {
    this.#map.clear();
    this.#urgent = [];
  }
}
