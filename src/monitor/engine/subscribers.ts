/**
 * One subscriber of the engine (a monitor node, or another per-monitor consumer): its watch lists
 * as entry keys, the entries it has a baseline for, and the fan-out to its callbacks, each guarded
 * so that one subscriber's failure stays its own.
 */
import type { ExtState, MonitorEvent, QueueMember, Snapshot } from "../types";
import type { EngineState, EntryKind, Subscription, WatchRequest } from "./api";
import { entryLabel, extensionKey, queueKey, type Entries } from "./entries";
import { downEvent, upEvent, type Down } from "./outage";

/** What a subscription asks of its engine. */
export interface SubscriptionHost {
  snapshotOf(sub: Sub): Snapshot | null;
  pollNowFor(sub: Sub): Promise<Snapshot>;
  extraRead(sub: Sub, method: string, params: Readonly<Record<string, string>>): Promise<unknown>;
  leave(sub: Sub): Promise<void>;
}

/** The entry keys of a watch request's lists, in their order, each once. */
export function watchKeys(w: Pick<WatchRequest, "extensions" | "queues">): string[] {
  return [...new Set([...w.extensions.map(extensionKey), ...w.queues.map(queueKey)])];
}

/**
 * How fresh a subscriber's states are: its slowest entry's period times the budget's `stretch`;
 * refused entries are listed instead.
 */
export function pollingState(keys: readonly string[], intervalMs: number, entries: Pick<Entries, "get">, stretch: number, slowdown: number): Extract<EngineState, { kind: "polling" }> {
  let period = 0;
  const refused: string[] = [];
  for (const key of keys) {
    const e = entries.get(key);
    if (!e) continue;
    if (e.refused) refused.push(entryLabel(e));
    else period = Math.max(period, e.periodMs);
  }
  const refreshMs = Math.round(period * stretch);
  return { kind: "polling", entries: keys.length, refreshMs, stretched: refreshMs > intervalMs * 1.05, slowdown, refused };
}

/** A subscriber's view: the calls (all) and the states of its own entries read so far. */
export function viewOf(calls: Snapshot, keys: readonly string[], entries: Pick<Entries, "get">): Snapshot {
  const extensions = new Map<string, ExtState>();
  const queues = new Map<string, ReadonlyMap<string, QueueMember>>();
  for (const key of keys) {
    const e = entries.get(key);
    if (e?.state === undefined) continue;
    if (e.kind === "extension") extensions.set(e.num, e.state as ExtState);
    else queues.set(e.num, e.state as ReadonlyMap<string, QueueMember>);
  }
  return { at: calls.at, calls: calls.calls, extensions, queues };
}

export class Sub implements Subscription {
  /** Entry keys of its watch lists, in their order. */
  readonly keys: string[];
  /** Entries whose state it has seen (its baseline): changes of these are its events. */
  readonly known = new Set<string>();
  /** Told pbx.down at this time and not yet pbx.up. */
  #downSince: number | undefined;
  #lastState = "";
  closed = false;

  constructor(private readonly engine: SubscriptionHost, readonly w: WatchRequest) {
    this.keys = watchKeys(w);
  }

  emit(events: readonly MonitorEvent[]): void {
    if (this.closed || events.length === 0) return;
    try {
      this.w.onEvents(events);
    } catch {
      // A subscriber's failure is its own: the engine and the other subscribers go on.
    }
  }

  /** pbx.down, once per outage. */
  tellDown(down: Down): void {
    if (this.#downSince !== undefined) return;
    this.#downSince = down.since;
    this.emit([downEvent(down)]);
  }

  /** pbx.up, with the downtime since it was told pbx.down (or since the outage began). */
  tellUp(since: number, at: number): void {
    const from = this.#downSince ?? since;
    this.#downSince = undefined;
    this.emit([upEvent(from, at)]);
  }

  /** Tells onState, unless it is what it was told last (a down state only when its code or retry changes). */
  tellState(s: EngineState): void {
    const key = JSON.stringify(s.kind === "down" ? { k: s.kind, c: s.code, r: s.retryInMs } : s);
    if (key === this.#lastState) return;
    this.#lastState = key;
    try {
      this.w.onState?.(s);
    } catch {
      // the subscriber's own failure
    }
  }

  tellRefused(kind: EntryKind, num: string, err: unknown): void {
    try {
      this.w.onEntryRefused?.(kind, num, err);
    } catch {
      // the subscriber's own failure
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
