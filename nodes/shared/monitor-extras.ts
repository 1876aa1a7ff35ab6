/**
 * What the monitor adds on top of its events (SPEC §5): today's queue statistics (`queue.stats`
 * every `statsInterval` seconds and in a snapshot, kept in the node's context across redeploys
 * and restarts) and caller names (`lookupCallers`: `contact` on call events). Kept apart from the
 * poll/webhook wiring so it plugs into whichever source feeds it.
 */
import type { Node } from "node-red";
import {
  CallerLookup,
  ContactStamper,
  QueueStats,
  TimeZoneError,
  feedEvents,
  feedSnapshot,
  parseList,
  runtimeTimeZone,
  type MonitorEvent,
  type PollClient,
  type QueueStatsPayload,
  type Snapshot,
} from "../../src/monitor";

export interface ExtrasConfig {
  statsInterval?: number | string;
  timeZone?: string;
  lookupCallers?: boolean | string;
  queues?: string;
}

/** Where today's figures are kept in the node's context. */
export const STATS_CONTEXT_KEY = "queueStats";
/** The longest an event waits for its caller's name. */
export const LOOKUP_MAX_DELAY_MS = 1000;
/** The figures are written to the context at most this often (and on close). */
const SAVE_EVERY_MS = 5000;

/**
 * The last figures of each monitor (by node id) in this process. Node-RED deletes a node's context
 * when the node closes unless settings.js configures a context store, so without one a redeploy
 * would lose the day; this copy bridges it. A removed node's copy goes with it.
 */
const lastSaved = new Map<string, unknown>();

/** Forgets every monitor's in-process figures (tests that reuse node ids between cases). */
export function forgetSavedStats(): void {
  lastSaved.clear();
}

/**
 * One phonebook cache per reader: the PBX's shared client for webhook monitors (so shared by them),
 * a polling monitor's own reader through the poll engine (paced within the PBX's pollBudget).
 */
const lookups = new WeakMap<object, CallerLookup>();

function lookupFor(client: PollClient): CallerLookup {
  let l = lookups.get(client);
  if (!l) lookups.set(client, (l = new CallerLookup({ client })));
  return l;
}

/** The statsInterval property → ms; 0 (off) when blank. Throws a message naming the field. */
export function statsIntervalMs(v: unknown, label: string): number {
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return 0;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${label}: expected a number of seconds (0 = off), got "${String(v).slice(0, 20)}"`);
  return n === 0 ? 0 : Math.round(Math.max(0.05, n) * 1000);
}

export interface ExtrasDeps {
  readonly node: Node;
  readonly config: ExtrasConfig;
  /** v20 is counted from its events, as webhooks are (its call.ringing names queues by usertype). */
  readonly source: "poll" | "webhook" | "v20";
  /** The PBX connection, for look-ups (none: no look-ups). */
  readonly client?: PollClient;
  /** Polling: this monitor's current view of the poll engine (calls and watched states). */
  readonly snapshot?: () => Snapshot | null;
  /** Sends events on (filtered by the node). */
  readonly send: (events: readonly MonitorEvent[]) => void;
  /** Labels for error messages. */
  readonly labels: { readonly statsInterval: string; readonly timeZone: string };
}

export class MonitorExtras {
  readonly stats: QueueStats | null;
  /** Why the statistics are off despite being asked for (a bad setting), for the node to report. */
  readonly problem?: string;
  private readonly watched: ReadonlySet<string>;
  private readonly stamper?: ContactStamper;
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private baseline = true;
  private lastSave = 0;
  private closed = false;

  constructor(private readonly deps: ExtrasDeps) {
    const { node, config } = deps;
    // Webhooks name every queue a call rings in; polling knows only the watched ones.
    this.watched = new Set(deps.source !== "webhook" ? parseList(config.queues) : []);
    let stats: QueueStats | null = null;
    let interval = 0;
    try {
      interval = statsIntervalMs(config.statsInterval, deps.labels.statsInterval);
      const zone = String(config.timeZone ?? "").trim() || runtimeTimeZone();
      // 0 = off: no counting, nothing kept in the context.
      if (interval > 0) stats = new QueueStats({ timeZone: zone, queues: [...this.watched] }, node.context().get(STATS_CONTEXT_KEY) ?? lastSaved.get(node.id));
    } catch (err) {
      this.problem = err instanceof TimeZoneError
        ? `${deps.labels.timeZone}: "${String(config.timeZone).trim().slice(0, 40)}" is not an IANA time zone such as Europe/Berlin or UTC`
        : err instanceof Error ? err.message : String(err);
    }
    this.stats = stats;
    this.intervalMs = stats ? interval : 0;
    const lookupOn = config.lookupCallers === true || config.lookupCallers === "true";
    if (lookupOn && deps.client) this.stamper = new ContactStamper(lookupFor(deps.client), LOOKUP_MAX_DELAY_MS, (e) => this.deliver(e));
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.out([this.statsEvent()]), this.intervalMs);
    }
  }

  /** Events from the source: counted, named, then sent. */
  push(events: readonly MonitorEvent[]): void {
    if (this.closed || events.length === 0) return;
    if (this.stats && this.deps.source !== "poll") {
      feedEvents(this.stats, events, this.watched, Date.now());
      this.save(false);
    } else this.refresh();
    this.out(events);
  }

  /** Polling: counts what the engine's snapshot shows now (feeding the same one twice changes nothing). */
  private refresh(): void {
    const snap = this.stats && !this.closed ? this.deps.snapshot?.() : null;
    if (!snap || !this.stats) return;
    feedSnapshot(this.stats, snap, this.watched, this.baseline);
    this.baseline = false;
    this.save(false);
  }

  /** Today's figures now (null when the statistics are off). */
  report(): QueueStatsPayload | null {
    this.refresh();
    return this.stats ? this.stats.report(Date.now()) : null;
  }

  /** A queue.stats event after a snapshot, when the statistics are on. */
  afterSnapshot(): void {
    if (this.stats) this.out([this.statsEvent()]);
  }

  /** `removed`: the node was deleted, not redeployed: its figures go too. */
  close(removed = false): void {
    this.closed = true;
    clearInterval(this.timer);
    this.save(true);
    if (removed) lastSaved.delete(this.deps.node.id);
  }

  private statsEvent(): MonitorEvent {
    this.refresh();
    this.save(true);
    return { topic: "queue.stats", payload: (this.stats as QueueStats).report(Date.now()) };
  }

  private out(events: readonly MonitorEvent[]): void {
    if (this.stamper) this.stamper.push(events);
    else this.deliver(events);
  }

  private deliver(events: readonly MonitorEvent[]): void {
    if (!this.closed) this.deps.send(events);
  }

  private save(now: boolean): void {
    if (!this.stats) return;
    const t = Date.now();
    if (!now && t - this.lastSave < SAVE_EVERY_MS) return;
    this.lastSave = t;
    const saved = this.stats.toJSON();
    lastSaved.set(this.deps.node.id, saved);
    try {
      this.deps.node.context().set(STATS_CONTEXT_KEY, saved);
    } catch {
      // A context store that refuses (full disk) must not stop the events.
    }
  }
}
