/**
 * How each source tells QueueStats what happened to queue calls.
 *
 * Polling: a call belongs to a queue when one of its legs (owner, talkTo, routingTo) is the queue's
 * DN (a watched queue's number, or any leg whose dnType says queue when no queue is watched); it
 * enters the queue at the PBX's startedAt, is answered at its answeredAt (or when first seen
 * talking) and ends when it leaves the calls list. Agents come from the watched queues' member
 * lists and the calls list: logged in, talking (a Connected/Hold leg), free (logged in, in no call,
 * not in the "Out of office" profile when the extension is watched).
 *
 * Webhooks: a `ringing` with usertype `queue` puts the call in that queue; `pickup…` answers it;
 * `incoming` ends it (talk time as the generator tells it).
 */
import { legsOf as legs } from "./diff";
import type { QueueStats } from "./queue-stats";
import type { CallInfo, MonitorEvent, Snapshot } from "./types";

const QUEUE_TYPE = /queue/i;
const TALKING_LEG = /^(connected|hold|held|talking)$/i;
const DND_PROFILE = "Out of office";

/** The queue a polled call is in, if any. */
export function queueOfCall(call: CallInfo, watched: ReadonlySet<string>): string | undefined {
  for (const leg of legs(call)) {
    if (leg.dnNum === undefined) continue;
    const num = String(leg.dnNum);
    if (watched.size > 0 ? watched.has(num) : QUEUE_TYPE.test(String(leg.dnType ?? ""))) return num;
  }
  return undefined;
}

/**
 * One poll's snapshot into the statistics. `baseline`: the first snapshot after a (re)start, when
 * calls remembered from before that are gone now ended unseen: forgotten, not counted.
 */
export function feedSnapshot(stats: QueueStats, snap: Snapshot, watched: ReadonlySet<string>, baseline: boolean): void {
  const now = snap.at;
  for (const key of stats.liveKeys()) {
    if (snap.calls.has(key)) continue;
    if (baseline) stats.forget(key);
    else stats.ended(key, now, undefined, now);
  }
  const inCall = new Set<string>();
  const talking = new Set<string>();
  for (const [key, t] of snap.calls) {
    for (const leg of legs(t.call)) {
      if (leg.dnNum === undefined) continue;
      inCall.add(String(leg.dnNum));
      if (TALKING_LEG.test(String(leg.status ?? ""))) talking.add(String(leg.dnNum));
    }
    if (!stats.isLive(key)) {
      const queue = queueOfCall(t.call, watched);
      // An answered call first seen without a queue leg is not attributed (see the README's limits).
      if (queue === undefined) continue;
      stats.queued(key, queue, t.startedAtMs, now);
    }
    if (t.answered && t.answeredAtMs !== undefined) stats.answered(key, t.answeredAtMs, now);
  }
  for (const [queue, members] of snap.queues) {
    if (watched.size > 0 && !watched.has(queue)) continue;
    let loggedIn = 0;
    let free = 0;
    let talk = 0;
    for (const m of members.values()) {
      if (!m.loggedIn) continue;
      loggedIn++;
      if (talking.has(m.num)) talk++;
      else if (!inCall.has(m.num) && snap.extensions.get(m.num)?.fwdName !== DND_PROFILE) free++;
    }
    stats.setAgents(queue, { loggedIn, free, talking: talk });
  }
}

/** The key a webhook call event is followed under: the 3CX call id, else the id without its segment. */
function webhookKey(p: { callID?: number | string | null; id?: string; chid?: string }): string | undefined {
  if (p.callID !== null && p.callID !== undefined) return String(p.callID);
  const m = p.id === undefined ? null : /^(\d{12}_\d+)/.exec(p.id);
  return m ? m[1] : (p.id ?? p.chid);
}

/** Webhook events (already parsed) into the statistics. */
export function feedEvents(stats: QueueStats, events: readonly MonitorEvent[], watched: ReadonlySet<string>, now: number): void {
  for (const e of events) {
    switch (e.topic) {
      case "call.ringing": {
        const p = e.payload;
        const queue = p.dnNum ?? p.user;
        const key = webhookKey(p);
        if (key === undefined || queue === undefined || p.usertype?.trim().toLowerCase() !== "queue") break;
        if (watched.size > 0 && !watched.has(queue)) break;
        stats.queued(key, queue, now);
        break;
      }
      case "call.answered": {
        const key = webhookKey(e.payload);
        if (key !== undefined) stats.answered(key, now);
        break;
      }
      case "call.ended": {
        const key = webhookKey(e.payload);
        const talk = e.payload.talkTime;
        if (key !== undefined) stats.ended(key, now, typeof talk === "number" && !e.payload.missed ? talk * 1000 : undefined);
        break;
      }
      default:
        break;
    }
  }
}
