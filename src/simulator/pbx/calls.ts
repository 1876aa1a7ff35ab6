/**
 * Live calls: they ring, get answered (or missed) and end, on timers. Every change is reported as a
 * CallEvent (the webhook generator listens) and ends the seed snapshot (see seed.ts liveSnapshot).
 */
import type { Call, CallDirection, CallMeta, Leg, Line } from "./model";
import { FIRST_NEW_CALL_ID, liveSnapshot } from "./seed";
import type { Timers } from "../timers";

export type Breakside = "Internal" | "External" | "Undef";

export type CallEvent =
  | { type: "ringing"; call: Call; dn: string; usertype: "ext" | "queue" | "other" }
  | { type: "answered"; call: Call; dn: string }
  | { type: "ended"; call: Call; missed: boolean; breakside: Breakside; endedAt: Date };

export interface CallTiming {
  /** Ring time before the call is answered (or missed). */
  ringMs: number;
  /** Talk time before the call ends by itself; 0 = until dropped. */
  talkMs: number;
}

export interface CallEnv {
  readonly timers: Timers;
  /** "extension", "queue", "ringgroup", "ivr", or "" for a number the PBX does not know. */
  dnType(num: string): string;
  /** The line outbound calls use. */
  outboundLine(): Line;
  emit(event: CallEvent): void;
}

export interface InboundSpec {
  from: string;
  line: Line;
  /** The DN dialled (queue, ring group, IVR or extension). */
  target: string;
  /** Extensions whose phones ring now. */
  ringing: readonly string[];
  /** Answer after ringMs by the first ringing extension (true) or let it be missed (false). */
  autoAnswer: boolean;
  timing: CallTiming;
  origin: CallMeta["origin"];
}

interface Running {
  call: Call;
  timer?: NodeJS.Timeout;
  timing: CallTiming;
}

const leg = (dnNum: string, dnType: string, externalParty: string, status: Leg["status"]): Leg =>
  ({ dnNum, dnType, externalParty, status });

/** ISO-8601 UTC without fractional seconds, as the WebAPI prints it. */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export class CallBook {
  private readonly running = new Map<number, Running>();
  private nextId = FIRST_NEW_CALL_ID;
  /** True until the first change to calls: the live views then answer the seed verbatim. */
  snapshotActive = true;

  constructor(private readonly env: CallEnv) {
    this.reset();
  }

  reset(): void {
    for (const r of this.running.values()) this.env.timers.clear(r.timer);
    this.running.clear();
    this.nextId = FIRST_NEW_CALL_ID;
    this.snapshotActive = true;
    for (const c of liveSnapshot().callsInfo) {
      this.running.set(c.callID, {
        timing: { ringMs: 0, talkMs: 0 },
        call: {
          callID: c.callID, direction: "Internal", did: "", state: "Talking",
          startedAt: new Date(c.startedAt), answeredAt: new Date(c.answeredAt),
          owner: { ...c.owner }, talkTo: c.talkTo.map((l) => ({ ...l })), routingTo: [],
          meta: {
            party: c.talkTo[0].dnNum, target: c.owner.dnNum, targetType: "extension", agent: c.owner.dnNum,
            transferred: false, trtype: "NotDef", origin: "seed",
          },
        },
      });
    }
  }

  list(): Call[] {
    return [...this.running.values()].map((r) => r.call);
  }

  get(callID: number): Call | undefined {
    return this.running.get(callID)?.call;
  }

  /** Calls in which `num` has a leg. */
  callsOf(num: string): Call[] {
    return this.list().filter((c) => legsOf(c).some((l) => l.dnNum === num));
  }

  /** The call status an extension shows in ext.state.get. */
  extensionStatus(num: string): "Free" | "Dialing" | "Ringing" | "Talking" {
    const statuses = this.list().flatMap(legsOf).filter((l) => l.dnNum === num && l.dnType === "extension").map((l) => l.status);
    if (statuses.some((s) => s === "Connected" || s === "Hold" || s === "Held")) return "Talking";
    if (statuses.includes("Ringing")) return "Ringing";
    if (statuses.includes("Dialing")) return "Dialing";
    return "Free";
  }

  // --- changes ---------------------------------------------------------------------------------

  /** makecall: `first` rings out to `second`; answered after ringMs. */
  makeCall(first: string, second: string, timing: CallTiming, origin: CallMeta["origin"] = "makecall", autoAnswer = true): Call {
    const firstType = this.env.dnType(first) || "extension";
    const secondType = this.env.dnType(second);
    const direction: CallDirection = secondType ? "Internal" : "Outbound";
    const line = this.env.outboundLine();
    const far = secondType ? leg(second, secondType, first, "Ringing") : leg(line.num, "externalline", second, "Ringing");
    const call = this.add({
      direction, did: "", state: "Ringing",
      owner: leg(first, firstType, second, "Dialing"), talkTo: [], routingTo: [far],
      meta: {
        party: second, target: first, targetType: firstType, agent: first,
        line: secondType ? undefined : line, transferred: false, trtype: "NotDef", origin,
      },
    }, timing);
    if (secondType === "extension") this.env.emit({ type: "ringing", call, dn: second, usertype: "ext" });
    this.schedule(call.callID, timing.ringMs, () => (autoAnswer ? this.answer(call.callID) : this.end(call.callID, "Undef")));
    return call;
  }

  /** An external caller dials a DID: the target (and the extensions in `ringing`) ring. */
  inbound(spec: InboundSpec): Call {
    const targetType = this.env.dnType(spec.target) || "extension";
    // A queue holds the caller while its agents ring: its leg stays until someone answers.
    const agents = spec.ringing.map((n) => leg(n, "extension", spec.from, "Ringing"));
    const routingTo = targetType === "queue" || agents.length === 0 ? [leg(spec.target, targetType, spec.from, "Ringing"), ...agents] : agents;
    const call = this.add({
      direction: "Inbound", did: spec.line.did, state: "Ringing",
      owner: leg(spec.line.num, "externalline", spec.from, "Connected"), talkTo: [], routingTo,
      meta: {
        party: spec.from, target: spec.target, targetType, line: spec.line,
        transferred: false, trtype: "NotDef", origin: spec.origin,
      },
    }, spec.timing);
    if (targetType !== "extension") {
      this.env.emit({ type: "ringing", call, dn: spec.target, usertype: targetType === "queue" ? "queue" : "other" });
    }
    for (const n of spec.ringing) this.env.emit({ type: "ringing", call, dn: n, usertype: "ext" });
    const canAnswer = spec.autoAnswer && spec.ringing.length > 0;
    this.schedule(call.callID, spec.timing.ringMs, () => (canAnswer ? this.answer(call.callID) : this.end(call.callID, "Undef")));
    return call;
  }

  /** Answers a ringing call, by `dn` if given (it must be ringing in it), else by its first ringing leg. */
  answer(callID: number, dn?: string): boolean {
    const r = this.running.get(callID);
    if (!r || r.call.state !== "Ringing") return false;
    const call = r.call;
    const picked = dn === undefined ? (call.routingTo.find((l) => l.dnType === "extension") ?? call.routingTo[0]) : call.routingTo.find((l) => l.dnNum === dn);
    if (!picked) return false;
    this.snapshotActive = false;
    call.state = "Talking";
    call.answeredAt = new Date();
    call.owner.status = "Connected";
    call.talkTo = [{ ...picked, status: "Connected" }];
    call.routingTo = [];
    if (call.direction === "Inbound") call.meta.agent = picked.dnNum;
    this.env.emit({ type: "answered", call, dn: call.direction === "Inbound" ? picked.dnNum : call.owner.dnNum });
    this.env.timers.clear(r.timer);
    r.timer = undefined;
    if (r.timing.talkMs > 0) this.schedule(callID, r.timing.talkMs, () => this.end(callID, "External"));
    return true;
  }

  /** Answers the call ringing on extension `num`. */
  answerRingingOn(num: string): boolean {
    const call = this.list().find((c) => c.state === "Ringing" && c.routingTo.some((l) => l.dnNum === num));
    return call ? this.answer(call.callID, num) : false;
  }

  /** Ends the calls `num` takes part in (only the one with `external` on the other side, if given). */
  drop(num: string, external?: string): number {
    const calls = this.callsOf(num).filter((c) => !external || c.meta.party === external || legsOf(c).some((l) => l.externalParty === external || l.dnNum === external));
    for (const c of calls) this.end(c.callID, "Internal");
    return calls.length;
  }

  /** Blind transfer: `num`'s leg is handed to `dest`. */
  transfer(num: string, dest: string): boolean {
    const call = this.callsOf(num)[0];
    if (!call) return false;
    this.snapshotActive = false;
    const destType = this.env.dnType(dest);
    for (const l of legsOf(call)) {
      if (l.dnNum === num) {
        l.dnNum = destType ? dest : this.env.outboundLine().num;
        l.dnType = destType || "externalline";
        if (!destType) l.externalParty = dest;
      } else if (l.externalParty === num) {
        l.externalParty = dest;
      }
    }
    call.meta.transferred = true;
    call.meta.trtype = "Blind";
    if (call.meta.agent === num) call.meta.agent = dest;
    if (call.state === "Talking") this.env.emit({ type: "answered", call, dn: dest });
    return true;
  }

  end(callID: number, breakside: Breakside): boolean {
    const r = this.running.get(callID);
    if (!r) return false;
    this.snapshotActive = false;
    this.env.timers.clear(r.timer);
    this.running.delete(callID);
    const missed = r.call.answeredAt === undefined;
    this.env.emit({ type: "ended", call: r.call, missed, breakside: missed ? "Undef" : breakside, endedAt: new Date() });
    return true;
  }

  /** Lets a talking call end by itself after `ms` (scenario mode uses it for calls it did not start). */
  endAfter(callID: number, ms: number, breakside: Breakside = "External"): void {
    if (this.running.has(callID)) this.schedule(callID, ms, () => this.end(callID, breakside));
  }

  // --- views -----------------------------------------------------------------------------------

  count(): number {
    return this.snapshotActive ? liveSnapshot().callCount : this.running.size;
  }

  acView(): unknown {
    if (this.snapshotActive) return liveSnapshot().ac;
    const calls = this.list();
    return {
      count: calls.length,
      AConnByCallID: calls.map((c) => ({
        callID: c.callID, direction: c.direction, did: c.did, AConnList: legsOf(c).map(copyLeg),
      })),
    };
  }

  /** Computed even while the snapshot is served: the snapshot's callsinfo is exactly these calls. */
  callsInfoView(): unknown {
    const calls = this.list();
    return {
      count: calls.length,
      callsInfo: calls.map((c) => ({
        callID: c.callID,
        state: c.state,
        startedAt: isoSeconds(c.startedAt),
        ...(c.answeredAt ? { answeredAt: isoSeconds(c.answeredAt) } : {}),
        did: c.did,
        owner: copyLeg(c.owner),
        talkTo: c.talkTo.map(copyLeg),
        routingTo: c.routingTo.map(copyLeg),
      })),
    };
  }

  // --- internals -------------------------------------------------------------------------------

  private add(fields: Omit<Call, "callID" | "startedAt">, timing: CallTiming): Call {
    this.snapshotActive = false;
    const call: Call = { callID: this.nextId++, startedAt: new Date(), ...fields };
    this.running.set(call.callID, { call, timing });
    return call;
  }

  private schedule(callID: number, ms: number, fn: () => void): void {
    const r = this.running.get(callID);
    if (!r) return;
    this.env.timers.clear(r.timer);
    r.timer = this.env.timers.set(fn, ms);
  }
}

export function legsOf(c: Call): Leg[] {
  return [c.owner, ...c.talkTo, ...c.routingTo];
}

const copyLeg = (l: Leg): Leg => ({ dnNum: l.dnNum, dnType: l.dnType, externalParty: l.externalParty, status: l.status });
