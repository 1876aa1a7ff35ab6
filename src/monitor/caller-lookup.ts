/**
 * Caller names for call events (SPEC §5 `lookupCallers`): the caller's number → the company
 * phonebook entry (`contact.find`, then `contact.get` of the first id), cached in an LRU with a
 * time to live, so a call's ringing, answer and end ask the PBX once, and a regular caller once per
 * TTL. The PBX is shared: at most one look-up is in flight, at most `perSecond` start each second,
 * and at most `maxQueued` wait; a number beyond that is answered `null` without asking.
 * A failed look-up is `null` too (and cached for a short while, so a broken phonebook is not asked
 * on every event).
 */
import type { PollClient } from "./fetch";
import type { MonitorEvent } from "./types";

export interface Contact {
  readonly id: number;
  readonly name: string;
  readonly lastName: string;
  readonly company: string;
}

export interface CallerLookupOptions {
  readonly client: PollClient;
  /** How long an answer is kept (default 10 min). */
  readonly ttlMs?: number;
  /** How long a failed look-up is remembered as null (default 30 s). */
  readonly failureTtlMs?: number;
  /** Numbers kept at most (default 1000; the least recently used goes first). */
  readonly maxEntries?: number;
  /** Look-ups started per second at most (default 1: two requests). */
  readonly perSecond?: number;
  /** Look-ups waiting their turn at most (default 50). */
  readonly maxQueued?: number;
  /** The shortest tail a phonebook number must share (contact.find `min_len`; default: none sent). */
  readonly minLen?: number;
  readonly now?: () => number;
  /** Waits `ms` (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Entry {
  readonly value: Contact | null;
  readonly expires: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** A number worth looking up: at least six digits (extensions are shorter; see the README). */
export function lookupNumber(callerid: unknown): string | undefined {
  if (typeof callerid !== "string" && typeof callerid !== "number") return undefined;
  const s = String(callerid).trim();
  return /^\+?[\d\s().\-/]+$/.test(s) && s.replace(/\D/g, "").length >= 6 ? s : undefined;
}

export class CallerLookup {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Contact | null>>();
  private readonly opts: Required<Omit<CallerLookupOptions, "minLen">> & { minLen?: number };
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private lastStart = -Infinity;
  private closed = false;
  /** Requests sent to the PBX (find + get), for tests and the README's figures. */
  requests = 0;

  constructor(opts: CallerLookupOptions) {
    this.opts = {
      ttlMs: 600000, failureTtlMs: 30000, maxEntries: 1000, perSecond: 1, maxQueued: 50,
      now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref?.()),
      ...opts,
    };
  }

  /** The cached answer (undefined: not cached or expired). */
  peek(num: string): Contact | null | undefined {
    const e = this.cache.get(num);
    if (!e) return undefined;
    if (e.expires <= this.opts.now()) {
      this.cache.delete(num);
      return undefined;
    }
    // Most recently used goes to the end.
    this.cache.delete(num);
    this.cache.set(num, e);
    return e.value;
  }

  /** The contact for `num`, or null (not in the phonebook, look-up failed, or too many waiting). Never rejects. */
  lookup(num: string): Promise<Contact | null> {
    const hit = this.peek(num);
    if (hit !== undefined) return Promise.resolve(hit);
    const inFlight = this.pending.get(num);
    if (inFlight) return inFlight;
    if (this.closed || this.queued >= this.opts.maxQueued) return Promise.resolve(null);
    this.queued++;
    const p = new Promise<Contact | null>((resolve) => {
      // One at a time, spaced by 1/perSecond.
      this.chain = this.chain.then(async () => {
        this.queued--;
        const gap = this.lastStart + 1000 / this.opts.perSecond - this.opts.now();
        if (gap > 0) await this.opts.sleep(gap);
        this.lastStart = this.opts.now();
        let value: Contact | null = null;
        let ok = true;
        try {
          value = this.closed ? null : await this.fetch(num);
        } catch {
          ok = false;
        }
        this.remember(num, value, ok ? this.opts.ttlMs : this.opts.failureTtlMs);
        this.pending.delete(num);
        resolve(value);
      });
    });
    this.pending.set(num, p);
    return p;
  }

  /** No new look-ups; those waiting answer null. */
  close(): void {
    this.closed = true;
  }

  private remember(num: string, value: Contact | null, ttl: number): void {
    this.cache.delete(num);
    this.cache.set(num, { value, expires: this.opts.now() + ttl });
    while (this.cache.size > this.opts.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  private async fetch(num: string): Promise<Contact | null> {
    const params: Record<string, string> = { num };
    if (this.opts.minLen !== undefined) params.min_len = String(this.opts.minLen);
    this.requests++;
    // Background reads: behind any person's action on the shared connection.
    const found = (await this.opts.client.call("contact.find", params, { priority: "monitor" })).data;
    const ids = isObject(found) && Array.isArray(found.id) ? found.id.filter((x): x is number => typeof x === "number" || (typeof x === "string" && /^\d+$/.test(x))) : [];
    if (ids.length === 0) return null;
    const id = Number(ids[0]);
    this.requests++;
    const c = (await this.opts.client.call("contact.get", { id: String(id) }, { priority: "monitor" })).data;
    if (!isObject(c)) return null;
    return { id, name: str(c.name), lastName: str(c.lastName), company: str(c.company) };
  }
}

/** Call events get a contact; others pass as they are. */
const CALL_EVENT = /^call\./;

interface Batch {
  readonly events: readonly MonitorEvent[];
  ready: boolean;
}

/**
 * Puts `contact` on call events before they go out, in order: a batch whose callers are not cached
 * waits for their look-ups, but never longer than `maxDelayMs`; what is not known by then goes out
 * as `contact: null` (the answer is cached for the call's next events). Later batches wait behind
 * an earlier one, so events never overtake each other.
 */
export class ContactStamper {
  private readonly line: Batch[] = [];

  constructor(
    private readonly lookup: CallerLookup,
    private readonly maxDelayMs: number,
    private readonly emit: (events: readonly MonitorEvent[]) => void,
  ) {}

  push(events: readonly MonitorEvent[]): void {
    if (events.length === 0) return;
    const batch: Batch = { events, ready: false };
    this.line.push(batch);
    const waits: Promise<unknown>[] = [];
    for (const e of events) {
      const num = CALL_EVENT.test(e.topic) ? lookupNumber((e.payload as { callerid?: unknown }).callerid) : undefined;
      if (num !== undefined && this.lookup.peek(num) === undefined) waits.push(this.lookup.lookup(num));
    }
    if (waits.length === 0) return this.settle(batch);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => { timer = setTimeout(r, this.maxDelayMs); });
    void Promise.race([Promise.all(waits), bound]).then(() => {
      clearTimeout(timer);
      this.settle(batch);
    });
  }

  private settle(batch: Batch): void {
    batch.ready = true;
    while (this.line.length > 0 && this.line[0].ready) {
      const b = this.line.shift() as Batch;
      for (const e of b.events) {
        if (!CALL_EVENT.test(e.topic)) continue;
        const num = lookupNumber((e.payload as { callerid?: unknown }).callerid);
        (e.payload as { contact?: Contact | null }).contact = num === undefined ? null : (this.lookup.peek(num) ?? null);
      }
      this.emit(b.events);
    }
  }
}
