/**
 * The simulator's own count of its queue calls (ground truth for tests of the monitor's
 * `queue.stats`): every call that was sent to a queue, when it was answered, when it ended. Kept
 * from the PBX's call events, not from any WebAPI answer, and per local day of `timeZone`.
 * Waits and talk times are exact (ms), where the WebAPI prints whole seconds.
 */
import type { CallEvent } from "./calls";

export interface QueueTruth {
  waiting: number;
  longestWaitSeconds: number;
  calls: number;
  answered: number;
  missed: number;
  averageWaitSeconds: number;
  averageTalkSeconds: number;
  agentsLoggedIn: number;
  agentsFree: number;
  agentsTalking: number;
}

interface Count {
  calls: number;
  answered: number;
  missed: number;
  waitMs: number;
  talkMs: number;
  talked: number;
}

interface Live {
  queue: string;
  startedAt: number;
  answeredAt?: number;
}

export interface AgentView {
  loggedIn: number;
  free: number;
  talking: number;
}

export class QueueLedger {
  private day = "";
  private counts = new Map<string, Count>();
  private readonly live = new Map<number, Live>();

  constructor(private readonly timeZone = "UTC") {}

  reset(): void {
    this.day = "";
    this.counts.clear();
    this.live.clear();
  }

  onCall(e: CallEvent): void {
    const now = e.type === "ended" ? e.endedAt.getTime() : Date.now();
    this.newDay(now);
    const id = e.call.callID;
    if (e.type === "ringing") {
      if (e.usertype !== "queue" || this.live.has(id)) return;
      this.live.set(id, { queue: e.dn, startedAt: e.call.startedAt.getTime() });
      this.count(e.dn).calls++;
      return;
    }
    const c = this.live.get(id);
    if (!c) return;
    if (e.type === "answered") {
      if (c.answeredAt !== undefined || !e.call.answeredAt) return;
      c.answeredAt = e.call.answeredAt.getTime();
      const n = this.count(c.queue);
      n.answered++;
      n.waitMs += c.answeredAt - c.startedAt;
      return;
    }
    this.live.delete(id);
    const n = this.count(c.queue);
    if (c.answeredAt === undefined) n.missed++;
    else {
      n.talkMs += now - c.answeredAt;
      n.talked++;
    }
  }

  /** Today's figures for `queues`; `agents` tells each queue's agents now. */
  report(queues: readonly string[], agents: (queue: string) => AgentView, now = Date.now()): { day: string; timeZone: string; queues: Record<string, QueueTruth> } {
    this.newDay(now);
    const out: Record<string, QueueTruth> = {};
    for (const q of queues) {
      const n = this.counts.get(q) ?? { calls: 0, answered: 0, missed: 0, waitMs: 0, talkMs: 0, talked: 0 };
      const waiting = [...this.live.values()].filter((c) => c.queue === q && c.answeredAt === undefined);
      const a = agents(q);
      out[q] = {
        waiting: waiting.length,
        longestWaitSeconds: Math.round(Math.max(0, ...waiting.map((c) => now - c.startedAt)) / 1000),
        calls: n.calls,
        answered: n.answered,
        missed: n.missed,
        averageWaitSeconds: n.answered ? Math.round(n.waitMs / n.answered / 1000) : 0,
        averageTalkSeconds: n.talked ? Math.round(n.talkMs / n.talked / 1000) : 0,
        agentsLoggedIn: a.loggedIn,
        agentsFree: a.free,
        agentsTalking: a.talking,
      };
    }
    return { day: this.day, timeZone: this.timeZone, queues: out };
  }

  private newDay(now: number): void {
    const day = new Date(now).toLocaleDateString("en-CA", { timeZone: this.timeZone });
    if (day === this.day) return;
    this.day = day;
    this.counts = new Map();
    for (const c of this.live.values()) if (c.answeredAt === undefined) this.count(c.queue).calls++;
  }

  private count(q: string): Count {
    let n = this.counts.get(q);
    if (!n) this.counts.set(q, (n = { calls: 0, answered: 0, missed: 0, waitMs: 0, talkMs: 0, talked: 0 }));
    return n;
  }
}
