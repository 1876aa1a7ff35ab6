/**
 * The pure snapshot diff: two consecutive snapshots → the SPEC §5 events, each change exactly once.
 * A call seen for the first time gives call.started (then call.ringing per ringing leg and
 * call.answered if it already is); a ringing DN that was not ringing before gives call.ringing;
 * the first answered sighting gives call.answered; a call that is gone gives call.ended.
 */
import type { CallEventBase, CallEnded, CallInfo, CallLeg, ExtState, MonitorEvent, QueueMember, Snapshot, TrackedCall } from "./types";

/** A leg on an external line (trunk): its externalParty is the outside number. */
function isExternal(leg: CallLeg | undefined): boolean {
  return leg !== undefined && /line|external|trunk/i.test(String(leg.dnType ?? ""));
}

export function legsOf(call: CallInfo): CallLeg[] {
  const list: CallLeg[] = [];
  if (call.owner) list.push(call.owner);
  if (Array.isArray(call.talkTo)) list.push(...call.talkTo);
  if (Array.isArray(call.routingTo)) list.push(...call.routingTo);
  return list;
}

function dn(leg: CallLeg | undefined): string | undefined {
  return leg?.dnNum === undefined ? undefined : String(leg.dnNum);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The fields a poll call event shares with a webhook one (callerid = the outside party, as there). */
function callBase(call: CallInfo, atIso: string): CallEventBase {
  // The outside leg, and the internal DN the call is about: the owner when internal, else the first internal leg.
  let ext: CallLeg | undefined;
  let internal: CallLeg | undefined;
  for (const leg of legsOf(call)) {
    if (isExternal(leg)) ext ??= leg;
    else internal ??= leg;
  }
  const callerid = ext ? (ext.externalParty === undefined ? dn(ext) : String(ext.externalParty)) : dn(call.owner);
  const user = dn(internal);
  // Built field by field (no spreads of temporary objects: thousands per tick), in the same key order.
  const base = { source: "poll", callID: call.callID } as Mutable<CallEventBase>;
  if (callerid !== undefined) base.callerid = callerid;
  if (user !== undefined) base.user = user;
  if (call.did) base.did = call.did;
  if (ext) base.direction = ext === call.owner ? "inbound" : "outbound";
  base.at = atIso;
  base.call = call;
  return base;
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

function callEvents(prev: TrackedCall | undefined, next: TrackedCall, atIso: string, out: MonitorEvent[]): void {
  const call = next.call;
  let base: CallEventBase | undefined;
  // Most calls do not change between two ticks: build the shared fields only for those that do.
  const shared = (): CallEventBase => (base ??= callBase(call, atIso));
  if (!prev) out.push({ topic: "call.started", payload: { ...shared(), startedAt: next.startedAt } });
  for (const num of next.ringing) {
    if (prev?.ringing.has(num)) continue;
    const leg = legsOf(call).find((l) => dn(l) === num);
    out.push({ topic: "call.ringing", payload: { ...shared(), user: num, dnNum: num, ...(leg?.dnType ? { usertype: String(leg.dnType) } : {}) } });
  }
  if (next.answered && !prev?.answered) {
    out.push({ topic: "call.answered", payload: { ...shared(), answeredAt: next.answeredAt } });
  }
}

function endedEvent(gone: TrackedCall, endedAt: number, atIso: string): MonitorEvent {
  const payload = callBase(gone.call, atIso) as Mutable<CallEnded>;
  payload.duration = seconds(endedAt - gone.startedAtMs);
  payload.talkTime = gone.answeredAtMs === undefined ? 0 : seconds(endedAt - gone.answeredAtMs);
  payload.missed = !gone.answered;
  payload.startedAt = gone.startedAt;
  if (gone.answeredAt !== undefined) payload.answeredAt = gone.answeredAt;
  payload.endedAt = atIso;
  return { topic: "call.ended", payload };
}

/** The fields of ext.state.get whose change is an extension.status event. */
const EXT_FIELDS = ["status", "fwdName", "registered", "qGlobalStatus", "qStatus"] as const;

function extField(s: ExtState, field: (typeof EXT_FIELDS)[number]): string {
  if (field !== "qStatus") return JSON.stringify(s[field] ?? null);
  // Queue logins compare as a set: the order the PBX lists them in is not a change.
  const list = Array.isArray(s.qStatus) ? s.qStatus : [];
  return list.map((q) => `${q.num}:${q.status === true}`).sort().join(",");
}

export function extensionChanges(prev: ExtState, next: ExtState): string[] {
  return EXT_FIELDS.filter((f) => extField(prev, f) !== extField(next, f));
}

/** One extension's extension.status event, or undefined when none of its fields changed. */
export function extensionEvent(num: string, before: ExtState, cur: ExtState, atIso: string): MonitorEvent | undefined {
  const changed = extensionChanges(before, cur);
  return changed.length > 0 ? { topic: "extension.status", payload: { num, previous: before, current: cur, changed, at: atIso } } : undefined;
}

/** The queue.agent events between two member lists of one queue. */
export function queueEvents(queue: string, prev: ReadonlyMap<string, QueueMember>, next: ReadonlyMap<string, QueueMember>, atIso: string, out: MonitorEvent[]): void {
  const agent = (m: QueueMember, loggedIn: boolean): MonitorEvent => ({
    topic: "queue.agent",
    payload: { queue, num: m.num, loggedIn, ...(m.name !== undefined ? { name: m.name } : {}), ...(m.lastname !== undefined ? { lastname: m.lastname } : {}), at: atIso },
  });
  // An agent who is not a member counts as logged out: joining logged in is a login, leaving logged in a logout.
  for (const [num, m] of next) if (m.loggedIn !== (prev.get(num)?.loggedIn ?? false)) out.push(agent(m, m.loggedIn));
  for (const [num, m] of prev) if (!next.has(num) && m.loggedIn) out.push(agent(m, false));
}

/**
 * The events between two snapshots, in a stable order: calls (started, ringing, answered, then
 * ended), extensions, queues. An extension or queue missing from `prev` is a new baseline: no event.
 */
export function diffSnapshots(prev: Snapshot, next: Snapshot): MonitorEvent[] {
  const out: MonitorEvent[] = [];
  const atIso = new Date(next.at).toISOString();
  for (const [id, call] of next.calls) callEvents(prev.calls.get(id), call, atIso, out);
  for (const [id, call] of prev.calls) if (!next.calls.has(id)) out.push(endedEvent(call, next.at, atIso));
  for (const [num, cur] of next.extensions) {
    const before = prev.extensions.get(num);
    if (!before) continue;
    const e = extensionEvent(num, before, cur, atIso);
    if (e) out.push(e);
  }
  for (const [num, members] of next.queues) {
    const before = prev.queues.get(num);
    if (before) queueEvents(num, before, members, atIso, out);
  }
  return out;
}
