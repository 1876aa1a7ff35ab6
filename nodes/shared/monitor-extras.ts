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
  /** The warning when the store could not give back the saved figures (translated). */
  readonly unreadWarning: (reason: string) => string;
}

/** Webhook/V20 events held while the day's figures are read from an asynchronous store (a bound). */
const MAX_HELD = 1000;

export class MonitorExtras {
  /** Why the statistics are off despite being asked for (a bad setting), for the node to report. */
  readonly problem?: string;
  private stats: QueueStats | null = null;
  /**
   * Reading the saved figures from a store that answers only asynchronously (localfilesystem with
   * `cache: false`, Redis and the like): nothing is counted, reported or saved until it answers,
   * so the empty figures of a fresh start never overwrite the saved day.
   */
  private loading = false;
  private held: Array<{ events: readonly MonitorEvent[]; at: number }> = [];
  private readonly watched: ReadonlySet<string>;
  private readonly stamper?: ContactStamper;
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private baseline = true;
  private lastSave = 0;
  private lastSaved = "";
  private closed = false;

  constructor(private readonly deps: ExtrasDeps) {
    const { config } = deps;
    // Webhooks name every queue a call rings in; polling knows only the watched ones.
    this.watched = new Set(deps.source !== "webhook" ? parseList(config.queues) : []);
    let interval = 0;
    try {
      interval = statsIntervalMs(config.statsInterval, deps.labels.statsInterval);
      const zone = String(config.timeZone ?? "").trim() || runtimeTimeZone();
      // 0 = off: no counting, nothing kept in the context.
      if (interval > 0) {
        const opts = { timeZone: zone, queues: [...this.watched] };
        this.stats = new QueueStats(opts); // checks the zone now, whatever the store does
        this.restore(opts);
      }
    } catch (err) {
      this.stats = null;
      this.problem = err instanceof TimeZoneError
        ? `${deps.labels.timeZone}: "${String(config.timeZone).trim().slice(0, 40)}" is not an IANA time zone such as Europe/Berlin or UTC`
        : err instanceof Error ? err.message : String(err);
    }
    this.intervalMs = this.stats ? interval : 0;
    const lookupOn = config.lookupCallers === true || config.lookupCallers === "true";
    if (lookupOn && deps.client) this.stamper = new ContactStamper(lookupFor(deps.client), LOOKUP_MAX_DELAY_MS, (e) => this.deliver(e));
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => {
        if (!this.loading) this.out([this.statsEvent()]);
      }, this.intervalMs);
    }
  }

  /**
   * The day so far: this process's last figures for the node (a redeploy: the newest, and a
   * memory store has deleted its copy), else the context store's (a restart). A store with a cache
   * answers at once; one without answers later, through the callback (a synchronous get throws there).
   */
  private restore(opts: { timeZone: string; queues: string[] }): void {
    const id = this.deps.node.id;
    const inProcess = lastSaved.get(id);
    if (inProcess !== undefined) {
      this.stats = new QueueStats(opts, inProcess);
      return;
    }
    let answered = false;
    const loaded = (err: unknown, value: unknown): void => {
      if (answered) return;
      answered = true;
      this.loading = false;
      if (this.closed) return;
      if (err) this.deps.node.warn(this.deps.unreadWarning(err instanceof Error ? err.message : String(err)));
      else this.stats = new QueueStats(opts, value);
      // Events that came while the store was read, counted at the time they came.
      for (const h of this.held.splice(0)) if (this.stats) feedEvents(this.stats, h.events, this.watched, h.at);
    };
    this.loading = true;
    try {
      this.deps.node.context().get(STATS_CONTEXT_KEY, loaded);
    } catch (err) {
      loaded(err, undefined);
    }
  }

  /** Events from the source: counted, named, then sent. */
  push(events: readonly MonitorEvent[]): void {
    if (this.closed || events.length === 0) return;
    if (!this.stats || this.deps.source === "poll") this.refresh();
    else if (this.loading) {
      if (this.held.length < MAX_HELD) this.held.push({ events, at: Date.now() });
    } else {
      feedEvents(this.stats, events, this.watched, Date.now());
      this.save(false);
    }
    this.out(events);
  }

  /** Polling: counts what the engine's snapshot shows now (feeding the same one twice changes nothing). */
  private refresh(): void {
    // While the saved figures are read, the first snapshot after they come is the baseline.
    const snap = this.stats && !this.closed && !this.loading ? this.deps.snapshot?.() : null;
    if (!snap || !this.stats) return;
    feedSnapshot(this.stats, snap, this.watched, this.baseline);
    this.baseline = false;
    this.save(false);
  }

  /** Today's figures now (null when the statistics are off, or not read from the store yet). */
  report(): QueueStatsPayload | null {
    this.refresh();
    return this.stats && !this.loading ? this.stats.report(Date.now()) : null;
  }

  /** A queue.stats event after a snapshot, when the statistics are on. */
  afterSnapshot(): void {
    if (this.stats && !this.loading) this.out([this.statsEvent()]);
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
    if (!this.stats || this.loading) return;
    const t = Date.now();
    if (!now && t - this.lastSave < SAVE_EVERY_MS) return;
    this.lastSave = t;
    const saved = this.stats.toJSON();
    lastSaved.set(this.deps.node.id, saved);
    // Unchanged figures are not written again (a store without a cache writes a file each time).
    const text = JSON.stringify(saved);
    if (text === this.lastSaved) return;
    this.lastSaved = text;
    try {
      // The callback form works with every store; a store that refuses (full disk) must not stop the events.
      this.deps.node.context().set(STATS_CONTEXT_KEY, saved, () => undefined);
    } catch {
      // (a synchronous refusal, likewise)
    }
  }
}
