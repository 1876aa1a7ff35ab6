/**
 * From V20 participants to the SPEC §5 events. The socket reports single participants (one leg of
 * a call at one monitored DN); the tracker keeps the last state of each under its path, groups them
 * into calls by `callid`, and turns changes into `call.started`, `call.ringing`, `call.answered`,
 * `call.ended` and, per DN, `extension.status`. No Node-RED and no I/O in here: the feed reads the
 * socket and the REST API and hands the tracker what it read.
 *
 * Order: every observation carries an ordinal, taken when its request was sent (a GET after an
 * Upsert, the snapshot after a reconnect) or when it arrived (a Remove). An observation older than
 * the last one applied to the same path is stale and ignored, so a slow GET cannot bring back a
 * participant that a later Remove took away, nor an old status overwrite a newer one.
 */
import type { CallEnded, CallEventBase, ExtState, MonitorEvent } from "../types";
import { devicePath, participantPath, parseEntityPath } from "./parse";
import type { Device, DnInfo, Participant } from "./types";

/** A V20 call event: the SPEC's fields, plus what call control on V20 needs to act on this leg. */
export interface V20CallFields {
  /** The DN of the leg this event is about (the ringing, answering or leaving one). */
  readonly dnNum: string;
  /** The same DN under the name `answer`, `drop` and `transfer` read from `msg.payload`. */
  readonly num: string;
  /** The participant id on that DN: `POST /callcontrol/{dn}/participants/{id}/{action}`. */
  readonly participantId: number;
  /** The participant's device (its `device_id`), under the action nodes' parameter name. */
  readonly contact?: string;
  /** The participant as the PBX reported it. */
  readonly participant: Participant;
}

interface CallState {
  readonly key: string;
  readonly callID: number | string | null;
  readonly startedAtMs: number;
  readonly startedAt: string;
  answeredAtMs?: number;
  answeredAt?: string;
  readonly legs: Set<string>;
  callerid?: string;
  did?: string;
  direction?: "inbound" | "outbound";
}

interface DnState {
  /** Participant paths at this DN. */
  readonly legs: Set<string>;
  /** Devices by path; undefined until a snapshot or a device event told us (registered unknown). */
  devices?: Map<string, Device>;
  /** The DN's type as `GET /callcontrol` lists it (`Wextension`, `Wqueue`, …). */
  type?: string;
}

export interface TrackerOptions {
  now?(): number;
  /** How many removed paths to remember against late answers. Default 10 000. */
  readonly maxTombstones?: number;
}

/** A leg on an outside line: its party is the caller or callee outside. */
function isExternalParty(p: Participant): boolean {
  return /line|external|trunk/i.test(String(p.party_dn_type ?? ""));
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

const STATUS_RANK: Record<string, number> = { connected: 3, ringing: 2, dialing: 1 };

const isRinging = (p: Participant | undefined): boolean => p !== undefined && /^ringing$/i.test(p.status);
const isConnected = (p: Participant): boolean => /^connected$/i.test(p.status);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class CallTracker {
  private readonly now: () => number;
  private readonly maxTombstones: number;
  private ordinal = 0;
  /** The ordinal of the last observation applied per path (live participants, devices, removed paths). */
  private readonly applied = new Map<string, number>();
  /** Removed paths, oldest first, so the memory of them stays bounded. */
  private readonly tombstones = new Set<string>();
  private readonly live = new Map<string, Participant>();
  private readonly callOf = new Map<string, string>();
  private readonly calls = new Map<string, CallState>();
  private readonly dns = new Map<string, DnState>();
  private baselined = false;

  constructor(opts: TrackerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxTombstones = opts.maxTombstones ?? 10000;
  }

  /** An ordinal for an observation about to be made (take it before sending the request). */
  stamp(): number {
    return ++this.ordinal;
  }

  /** Whether a first snapshot has been applied (before it, changes are a baseline, not events). */
  get hasBaseline(): boolean {
    return this.baselined;
  }

  get callCount(): number {
    return this.calls.size;
  }

  /** A participant as read after an Upsert (or in a snapshot). */
  upsert(p: Participant, ord = this.stamp()): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    this.watchDns([p.dn], out, () => this.applyUpsert(p, ord, this.baselined ? out : undefined));
    return out;
  }

  /** A Remove for a participant's path (or an Upsert whose GET found it gone). */
  remove(path: string, ord = this.stamp()): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    const key = this.normalPath(path);
    if (key === undefined) return out;
    const dn = this.live.get(key)?.dn;
    if (dn === undefined) {
      this.markApplied(key, ord, true); // seen only as removed: remember it against a late GET, nothing to report
      return out;
    }
    this.watchDns([dn], out, () => this.applyRemove(key, ord, this.baselined ? out : undefined));
    return out;
  }

  /** A device as read after its Upsert. */
  upsertDevice(d: Device, ord = this.stamp()): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    const path = devicePath(d.dn, d.device_id);
    this.watchDns([d.dn], out, () => {
      if (!this.markApplied(path, ord, false)) return;
      const dn = this.dn(d.dn);
      (dn.devices ??= new Map()).set(path, d);
    });
    return out;
  }

  removeDevice(path: string, ord = this.stamp()): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    const parts = parseEntityPath(path);
    if (parts?.kind !== "devices") return out;
    const key = devicePath(parts.dn, parts.id);
    this.watchDns([parts.dn], out, () => {
      if (!this.markApplied(key, ord, true)) return;
      const dn = this.dns.get(parts.dn);
      // A DN whose devices we never listed: one removal does not tell whether others are left.
      if (dn?.devices) dn.devices.delete(key);
    });
    return out;
  }

  /**
   * The state after a (re)connect, as `GET /callcontrol` lists it: what differs from what we knew
   * becomes events (calls that started, changed or ended meanwhile); the first one is a silent baseline.
   */
  resync(list: readonly DnInfo[], ord = this.stamp()): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    const emit = this.baselined ? out : undefined;
    const listed = new Set(list.map((d) => d.dn));
    const touched = new Set<string>([...listed, ...this.dns.keys()]);
    this.watchDns([...touched], out, () => {
      const seen = new Set<string>();
      for (const info of list) {
        const dn = this.dn(info.dn);
        if (info.type !== undefined) dn.type = info.type;
        const devices = new Map<string, Device>();
        for (const d of info.devices) devices.set(devicePath(d.dn, d.device_id), d);
        dn.devices = devices;
        for (const p of info.participants) {
          const path = participantPath(p.dn, p.id);
          seen.add(path);
          this.applyUpsert(p, ord, emit);
        }
      }
      // Removals after the upserts: a call whose legs moved meanwhile (a transfer) does not end and restart.
      for (const path of [...this.live.keys()]) if (!seen.has(path)) this.applyRemove(path, ord, emit);
    });
    this.baselined = true;
    return out;
  }

  /** The calls now and every known DN's state, for a `snapshot` event. */
  snapshot(): { calls: Array<Record<string, unknown>>; extensions: Record<string, ExtState> } {
    const calls = [...this.calls.values()].map((c) => ({
      callID: c.callID,
      startedAt: c.startedAt,
      ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}),
      participants: [...c.legs].map((path) => this.live.get(path)),
    }));
    const extensions: Record<string, ExtState> = {};
    for (const num of this.dns.keys()) extensions[num] = this.extState(num);
    return { calls, extensions };
  }

  private normalPath(path: string): string | undefined {
    const parts = parseEntityPath(path);
    return parts?.kind === "participants" ? participantPath(parts.dn, parts.id) : undefined;
  }

  /** Records `ord` for `path` unless a newer observation was applied; false = stale, skip it. */
  private markApplied(path: string, ord: number, removed: boolean): boolean {
    const last = this.applied.get(path);
    if (last !== undefined && ord <= last) return false;
    this.applied.set(path, ord);
    this.tombstones.delete(path);
    if (removed) {
      this.tombstones.add(path);
      if (this.tombstones.size > this.maxTombstones) {
        const oldest = this.tombstones.values().next().value as string;
        this.tombstones.delete(oldest);
        this.applied.delete(oldest);
      }
    }
    return true;
  }

  private dn(num: string): DnState {
    let d = this.dns.get(num);
    if (!d) this.dns.set(num, (d = { legs: new Set() }));
    return d;
  }

  private applyUpsert(p: Participant, ord: number, out: MonitorEvent[] | undefined): void {
    const path = participantPath(p.dn, p.id);
    if (!this.markApplied(path, ord, false)) return;
    const key = p.callid !== undefined ? `c:${String(p.callid)}` : `p:${path}`;
    const prevKey = this.callOf.get(path);
    const prev = prevKey === key ? this.live.get(path) : undefined;
    // A leg that moved to another call id leaves the old call first (which may end it).
    if (prevKey !== undefined && prevKey !== key) this.detach(path, out);
    this.live.set(path, p);
    this.callOf.set(path, key);
    this.dn(p.dn).legs.add(path);
    let call = this.calls.get(key);
    const isNew = !call;
    if (!call) this.calls.set(key, (call = this.newCall(key, p)));
    call.legs.add(path);
    call.did ??= nonEmpty(p.party_did);
    if (isNew) out?.push({ topic: "call.started", payload: { ...this.base(call, p), startedAt: call.startedAt } });
    if (isRinging(p) && !isRinging(prev)) {
      const usertype = this.userType(p.dn);
      out?.push({ topic: "call.ringing", payload: usertype === undefined ? this.base(call, p) : { ...this.base(call, p), usertype } });
    }
    if (isConnected(p) && call.answeredAtMs === undefined) {
      call.answeredAtMs = this.now();
      call.answeredAt = new Date(call.answeredAtMs).toISOString();
      out?.push({ topic: "call.answered", payload: { ...this.base(call, p), answeredAt: call.answeredAt } });
    }
  }

  private applyRemove(path: string, ord: number, out: MonitorEvent[] | undefined): void {
    if (!this.markApplied(path, ord, true)) return;
    this.detach(path, out);
  }

  /** Takes a live participant out of its call and DN; the call's last leg leaving ends the call. */
  private detach(path: string, out: MonitorEvent[] | undefined): void {
    const p = this.live.get(path);
    const key = this.callOf.get(path);
    if (!p || key === undefined) return;
    this.live.delete(path);
    this.callOf.delete(path);
    this.dns.get(p.dn)?.legs.delete(path);
    const call = this.calls.get(key);
    if (!call) return;
    call.legs.delete(path);
    if (call.legs.size > 0) return;
    this.calls.delete(key);
    out?.push(this.ended(call, p));
  }

  /** The webhook's `usertype` words for a DN of a known type (queue statistics count `queue`). */
  private userType(num: string): string | undefined {
    const type = this.dns.get(num)?.type;
    if (type === undefined) return undefined;
    return /queue/i.test(type) ? "queue" : /extension/i.test(type) ? "ext" : "other";
  }

  private newCall(key: string, p: Participant): CallState {
    const startedAtMs = this.now();
    const call: CallState = { key, callID: p.callid ?? null, startedAtMs, startedAt: new Date(startedAtMs).toISOString(), legs: new Set() };
    // Who called whom, from the first leg seen: a Dialing leg is the caller, any other was called.
    const party = nonEmpty(p.party_caller_id) ?? nonEmpty(p.party_dn);
    const dialing = /^dialing$/i.test(p.status);
    const callerid = dialing ? p.dn : party;
    if (callerid !== undefined) call.callerid = callerid;
    if (isExternalParty(p) && (dialing || isRinging(p))) call.direction = dialing ? "outbound" : "inbound";
    return call;
  }

  /** The fields every call event carries, built field by field in one key order. */
  private base(call: CallState, p: Participant): CallEventBase & V20CallFields {
    const b = { source: "v20", callID: call.callID } as Mutable<CallEventBase & V20CallFields>;
    if (call.callerid !== undefined) b.callerid = call.callerid;
    b.user = p.dn;
    if (call.did !== undefined) b.did = call.did;
    if (call.direction !== undefined) b.direction = call.direction;
    b.at = new Date(this.now()).toISOString();
    b.dnNum = p.dn;
    b.num = p.dn;
    b.participantId = p.id;
    const contact = nonEmpty(p.device_id);
    if (contact !== undefined) b.contact = contact;
    b.participant = p;
    return b;
  }

  private ended(call: CallState, last: Participant): MonitorEvent {
    const endedMs = this.now();
    const seconds = (ms: number): number => Math.max(0, Math.round(ms / 1000));
    const payload = this.base(call, last) as Mutable<CallEnded & V20CallFields>;
    payload.duration = seconds(endedMs - call.startedAtMs);
    payload.talkTime = call.answeredAtMs === undefined ? 0 : seconds(endedMs - call.answeredAtMs);
    payload.missed = call.answeredAtMs === undefined;
    payload.startedAt = call.startedAt;
    if (call.answeredAt !== undefined) payload.answeredAt = call.answeredAt;
    payload.endedAt = new Date(endedMs).toISOString();
    return { topic: "call.ended", payload };
  }

  /** A DN's state in the shape of `ext.state.get`, with only what V20 tells: call state, registration. */
  private extState(num: string): ExtState {
    const d = this.dns.get(num);
    let best: string | undefined;
    let rank = -1;
    for (const path of d?.legs ?? []) {
      const status = this.live.get(path)?.status ?? "";
      const r = STATUS_RANK[status.toLowerCase()] ?? 0;
      if (r > rank) [best, rank] = [status, r];
    }
    const state: Mutable<ExtState> = { num, status: best ?? "Free" };
    if (d?.devices) state.registered = d.devices.size > 0;
    return state;
  }

  /**
   * Runs `change` and reports `extension.status` for each of `nums` whose state it changed. A DN
   * first heard of in `change` is a baseline: no event. One event per DN, whatever `change` did.
   */
  private watchDns(nums: readonly string[], out: MonitorEvent[], change: () => void): void {
    const before = new Map<string, ExtState>();
    for (const num of nums) if (this.dns.has(num)) before.set(num, this.extState(num));
    change();
    if (!this.baselined) return;
    const at = new Date(this.now()).toISOString();
    for (const [num, previous] of before) {
      const current = this.extState(num);
      const changed: string[] = [];
      if (previous.status !== current.status) changed.push("status");
      // Registration unknown before (no device list yet) is not a change: it was never reported.
      if (previous.registered !== undefined && previous.registered !== current.registered) changed.push("registered");
      if (changed.length > 0) out.push({ topic: "extension.status", payload: { num, previous, current, changed, at } });
    }
  }
}
