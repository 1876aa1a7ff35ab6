/**
 * Builds a Snapshot from the raw answers of one poll (`pbx.callsinfo.get`, `ext.state.get` per
 * watched extension, `queue.members.get` per watched queue). Facts that must not flap are carried
 * from the previous snapshot here, so the diff itself stays a pure function of two snapshots.
 */
import type { CallInfo, CallLeg, ExtState, QueueMember, Snapshot, TrackedCall } from "./types";

/** The raw answers of one poll. A watched entry whose read failed is `undefined` (kept from before). */
export interface PollAnswers {
  readonly callsinfo: unknown;
  readonly extensions: ReadonlyMap<string, unknown>;
  readonly queues: ReadonlyMap<string, unknown>;
}

/** The answers and when they came (ms since the epoch). */
export interface RawPoll extends PollAnswers {
  readonly at: number;
}

/** The answer did not have the documented shape. */
export class BadAnswerError extends Error {
  readonly code = "BAD_RESPONSE";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * ISO time → ms, or undefined when absent. A date before 2000 counts as absent: .NET services
 * print an unset DateTime as 0001-01-01.
 */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== "string" || s === "") return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && ms >= 946684800000 ? ms : undefined;
}

const TALKING = /^(talking|connected)$/i;
const RINGING = /^ringing$/i;
/** Most calls ring nowhere: they share one empty set (the snapshot's sets are read-only). */
const NO_DNS: ReadonlySet<string> = new Set();

function isRingingLeg(leg: unknown): leg is CallLeg {
  return isObject(leg) && RINGING.test(String(leg.status ?? "")) && leg.dnNum !== undefined;
}

/** The DNs ringing for a call: every routingTo leg, and any leg whose status is Ringing. */
export function ringingDns(call: CallInfo): ReadonlySet<string> {
  let out: Set<string> | undefined;
  if (Array.isArray(call.routingTo)) {
    for (const leg of call.routingTo) if (isObject(leg) && leg.dnNum !== undefined) (out ??= new Set()).add(String(leg.dnNum));
  }
  if (isRingingLeg(call.owner)) (out ??= new Set()).add(String(call.owner.dnNum));
  if (Array.isArray(call.talkTo)) {
    for (const leg of call.talkTo) if (isRingingLeg(leg)) (out ??= new Set()).add(String(leg.dnNum));
  }
  return out ?? NO_DNS;
}

function parseCalls(answer: unknown): CallInfo[] {
  if (!isObject(answer) || !Array.isArray(answer.callsInfo)) {
    throw new BadAnswerError("pbx.callsinfo.get: expected an object with a callsInfo list");
  }
  const calls: CallInfo[] = [];
  for (const c of answer.callsInfo) {
    if (isObject(c) && (typeof c.callID === "number" || typeof c.callID === "string") && c.callID !== "") calls.push(c as CallInfo);
  }
  return calls;
}

function track(call: CallInfo, before: TrackedCall | undefined, at: number, atIso: string): TrackedCall {
  // The PBX repeats a call's times tick after tick: they are parsed again only when their text changes.
  const pbxStartedMs = before && before.call.startedAt === call.startedAt ? before.pbxStartedMs : parseTime(call.startedAt);
  const pbxAnsweredMs = before && before.call.answeredAt === call.answeredAt ? before.pbxAnsweredMs : parseTime(call.answeredAt);
  // A call counts as answered once answeredAt is set or its state says it is talking.
  const answered = (before?.answered ?? false) || pbxAnsweredMs !== undefined || TALKING.test(call.state ?? "");
  // answeredAt may show up a tick after state became Talking: the PBX's time wins once it is there.
  let answeredAtMs: number | undefined;
  let answeredAt: string | undefined;
  if (pbxAnsweredMs !== undefined) {
    answeredAtMs = pbxAnsweredMs;
    answeredAt = call.answeredAt;
  } else if (answered) {
    answeredAtMs = before?.answeredAtMs ?? at;
    answeredAt = before?.answeredAt ?? atIso;
  }
  return {
    call,
    answered,
    answeredAtMs,
    answeredAt,
    startedAtMs: pbxStartedMs ?? before?.startedAtMs ?? at,
    startedAt: pbxStartedMs !== undefined ? (call.startedAt as string) : (before?.startedAt ?? atIso),
    ringing: ringingDns(call),
    pbxStartedMs,
    pbxAnsweredMs,
  };
}

/** `ext.state.get`'s answer → the state (num filled in), or undefined when it is not an object. */
export function parseExtState(num: string, answer: unknown): ExtState | undefined {
  if (!isObject(answer)) return undefined;
  return { ...answer, num: typeof answer.num === "string" ? answer.num : num } as ExtState;
}

/** `queue.members.get`'s answer → members by number, or undefined when it has no members list. */
export function parseMembers(answer: unknown): Map<string, QueueMember> | undefined {
  if (!isObject(answer) || !Array.isArray(answer.members)) return undefined;
  const out = new Map<string, QueueMember>();
  for (const m of answer.members) {
    if (isObject(m) && m.num !== undefined) {
      out.set(String(m.num), { ...m, num: String(m.num), loggedIn: m.loggedIn === true } as QueueMember);
    }
  }
  return out;
}

/**
 * One poll's answers → a Snapshot. `prev` (null for a baseline) supplies the sticky call facts and
 * the last known state of a watched entry whose read failed this time.
 */
export function buildSnapshot(raw: RawPoll, prev: Snapshot | null): Snapshot {
  const calls = new Map<string, TrackedCall>();
  const atIso = new Date(raw.at).toISOString();
  for (const call of parseCalls(raw.callsinfo)) {
    const key = String(call.callID);
    calls.set(key, track(call, prev?.calls.get(key), raw.at, atIso));
  }
  const extensions = new Map<string, ExtState>();
  for (const [num, answer] of raw.extensions) {
    const state = parseExtState(num, answer) ?? prev?.extensions.get(num);
    if (state) extensions.set(num, state);
  }
  const queues = new Map<string, ReadonlyMap<string, QueueMember>>();
  for (const [num, answer] of raw.queues) {
    const members = parseMembers(answer) ?? prev?.queues.get(num);
    if (members) queues.set(num, members);
  }
  return { at: raw.at, calls, extensions, queues };
}
