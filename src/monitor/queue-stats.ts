/**
 * Today's figures per queue (SPEC §5 `queue.stats`), fed by call facts from either source: a call
 * enters a queue, is answered, ends. Counts are for the PBX's local day: at local midnight they
 * start again from the calls still waiting. Everything is plain data, so the node can keep it in
 * its context and carry on after a redeploy or restart. Times are ms since the epoch, passed in
 * (fake clocks in tests).
 *
 * Definitions: `calls` = calls that entered the queue today (plus those still waiting at midnight),
 * `answered` / `missed` = of those, answered / ended unanswered today; `averageWaitSeconds` = the
 * mean time from entering the queue to the answer, over today's answered calls (abandoned calls
 * are not in it); `averageTalkSeconds` = the mean talk time of the answered calls that ended today.
 */
import { localDay } from "./local-day";

/** Agents of one queue now (null: this source does not know them). */
export interface AgentCounts {
  readonly loggedIn: number;
  readonly free: number;
  readonly talking: number;
}

/** One queue's `queue.stats` figures. */
export interface QueueFigures {
  readonly queue: string;
  readonly waiting: number;
  readonly longestWaitSeconds: number;
  readonly calls: number;
  readonly answered: number;
  readonly missed: number;
  readonly averageWaitSeconds: number;
  readonly averageTalkSeconds: number;
  readonly agentsLoggedIn: number | null;
  readonly agentsFree: number | null;
  readonly agentsTalking: number | null;
}

export interface QueueStatsPayload {
  /** The local day the counts are for (YYYY-MM-DD in `timeZone`). */
  readonly day: string;
  readonly timeZone: string;
  readonly at: string;
  /** Keyed by queue number, in the order of the watch list. */
  readonly queues: Readonly<Record<string, QueueFigures>>;
}

interface Totals {
  calls: number;
  answered: number;
  missed: number;
  waitMs: number;
  talkMs: number;
  talkCount: number;
}

interface LiveCall {
  readonly queue: string;
  readonly queuedAt: number;
  answeredAt?: number;
}

/** What survives a restart (JSON-safe). */
export interface SavedQueueStats {
  readonly v: 1;
  readonly day: string;
  readonly totals: Record<string, Totals>;
  readonly live: Record<string, LiveCall>;
}

export interface QueueStatsOptions {
  readonly timeZone: string;
  /** Queues reported even before their first call; others appear when a call enters them. */
  readonly queues?: readonly string[];
  /** Calls followed at most (a leak guard; the oldest is forgotten first). Default 5000. */
  readonly maxLive?: number;
}

const zero = (): Totals => ({ calls: 0, answered: 0, missed: 0, waitMs: 0, talkMs: 0, talkCount: 0 });
const secondsOf = (ms: number): number => Math.max(0, Math.round(ms / 1000));

function isSaved(v: unknown): v is SavedQueueStats {
  const s = v as SavedQueueStats | null;
  return typeof s === "object" && s !== null && s.v === 1 && typeof s.day === "string" && typeof s.totals === "object" && typeof s.live === "object";
}

export class QueueStats {
  readonly timeZone: string;
  private readonly dayOf: (ms: number) => string;
  private readonly order: readonly string[];
  private readonly maxLive: number;
  private day = "";
  private totals = new Map<string, Totals>();
  private readonly live = new Map<string, LiveCall>();
  private readonly agents = new Map<string, AgentCounts>();

  /** Throws TimeZoneError for an unknown zone. `saved` (from toJSON, maybe another version) is used when it is readable. */
  constructor(opts: QueueStatsOptions, saved?: unknown) {
    this.timeZone = opts.timeZone;
    this.dayOf = localDay(opts.timeZone);
    this.order = opts.queues ?? [];
    this.maxLive = opts.maxLive ?? 5000;
    if (isSaved(saved)) {
      this.day = saved.day;
      for (const [q, t] of Object.entries(saved.totals)) this.totals.set(q, { ...zero(), ...t });
      for (const [k, c] of Object.entries(saved.live)) if (typeof c?.queue === "string" && Number.isFinite(c.queuedAt)) this.live.set(k, { ...c });
    }
  }

  /** The calls followed now (waiting or talking), by key. */
  isLive(key: string): boolean {
    return this.live.has(key);
  }

  /** The keys of the calls followed now. */
  liveKeys(): string[] {
    return [...this.live.keys()];
  }

  /** A call entered `queue` at `at` (a call already followed is not counted again). */
  queued(key: string, queue: string, at: number, now = at): void {
    this.rollover(now);
    if (this.live.has(key)) return;
    if (this.live.size >= this.maxLive) {
      const oldest = this.live.keys().next().value;
      if (oldest !== undefined) this.live.delete(oldest);
    }
    this.live.set(key, { queue, queuedAt: Math.min(at, now) });
    this.totalsOf(queue).calls++;
  }

  /** The call was answered at `at`. */
  answered(key: string, at: number, now = at): void {
    this.rollover(now);
    const c = this.live.get(key);
    if (!c || c.answeredAt !== undefined) return;
    c.answeredAt = Math.max(at, c.queuedAt);
    const t = this.totalsOf(c.queue);
    t.answered++;
    t.waitMs += c.answeredAt - c.queuedAt;
  }

  /** The call ended at `at`; `talkMs` when the source says how long it talked. */
  ended(key: string, at: number, talkMs?: number, now = at): void {
    this.rollover(now);
    const c = this.live.get(key);
    if (!c) return;
    this.live.delete(key);
    const t = this.totalsOf(c.queue);
    if (c.answeredAt === undefined) {
      t.missed++;
      return;
    }
    t.talkMs += talkMs ?? Math.max(0, at - c.answeredAt);
    t.talkCount++;
  }

  /** Stops following a call without an outcome (it ended while nobody was watching). */
  forget(key: string): void {
    this.live.delete(key);
  }

  setAgents(queue: string, counts: AgentCounts | null): void {
    if (counts) this.agents.set(queue, counts);
    else this.agents.delete(queue);
  }

  /** The figures now. */
  report(now: number): QueueStatsPayload {
    this.rollover(now);
    const waiting = new Map<string, { n: number; longest: number }>();
    for (const c of this.live.values()) {
      if (c.answeredAt !== undefined) continue;
      const w = waiting.get(c.queue) ?? { n: 0, longest: 0 };
      w.n++;
      w.longest = Math.max(w.longest, now - c.queuedAt);
      waiting.set(c.queue, w);
    }
    const names = [...this.order, ...[...this.totals.keys(), ...waiting.keys()].filter((q) => !this.order.includes(q)).sort()];
    const queues: Record<string, QueueFigures> = {};
    for (const q of new Set(names)) {
      const t = this.totals.get(q) ?? zero();
      const w = waiting.get(q);
      const a = this.agents.get(q);
      queues[q] = {
        queue: q,
        waiting: w?.n ?? 0,
        longestWaitSeconds: secondsOf(w?.longest ?? 0),
        calls: t.calls,
        answered: t.answered,
        missed: t.missed,
        averageWaitSeconds: t.answered > 0 ? secondsOf(t.waitMs / t.answered) : 0,
        averageTalkSeconds: t.talkCount > 0 ? secondsOf(t.talkMs / t.talkCount) : 0,
        agentsLoggedIn: a ? a.loggedIn : null,
        agentsFree: a ? a.free : null,
        agentsTalking: a ? a.talking : null,
      };
    }
    return { day: this.day, timeZone: this.timeZone, at: new Date(now).toISOString(), queues };
  }

  toJSON(): SavedQueueStats {
    return {
      v: 1,
      day: this.day,
      totals: Object.fromEntries([...this.totals].map(([q, t]) => [q, { ...t }])),
      live: Object.fromEntries([...this.live].map(([k, c]) => [k, { ...c }])),
    };
  }

  /** A new local day: counts start again, from the calls still waiting (they are the new day's too). */
  private rollover(now: number): void {
    const day = this.dayOf(now);
    if (day === this.day) return;
    this.day = day;
    this.totals = new Map();
    for (const c of this.live.values()) if (c.answeredAt === undefined) this.totalsOf(c.queue).calls++;
  }

  private totalsOf(queue: string): Totals {
    let t = this.totals.get(queue);
    if (!t) this.totals.set(queue, (t = zero()));
    return t;
  }
}
