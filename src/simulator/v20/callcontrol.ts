/**
 * The simulated Call Control API (v20.md §2): the route point of the API client and its
 * monitored DNs, their devices and participants (legs of the in-memory PBX's calls), makecall and
 * participant actions answered with a CallControlResult. Participant ids are stable per call and DN.
 */
import type { Call, Leg } from "../pbx/model";
import type { PbxState } from "../pbx/state";

export interface CcContext {
  readonly pbx: PbxState;
  readonly clientId: string;
  /** DNs reachable besides the route point; undefined = every extension. */
  readonly monitored?: readonly string[];
  readonly participantIds: Map<string, number>;
}

export interface CcAnswer {
  status: number;
  body?: unknown;
}

type Json = Record<string, unknown>;

const err = (status: number, message: string): CcAnswer => ({ status, body: { error: message, reasontext: message } });

/** Without a list: every extension, queue, ring group and IVR (DNInfo types include Wqueue and Wivr). */
function monitoredDns(ctx: CcContext): string[] {
  if (ctx.monitored) return [...ctx.monitored];
  const { pbx } = ctx;
  return [...pbx.extensions.keys(), ...pbx.queues.keys(), ...pbx.ringGroups.keys(), ...pbx.ivrs.map((i) => i.num)];
}

function reachable(ctx: CcContext, dn: string): boolean {
  return dn === ctx.clientId || monitoredDns(ctx).includes(dn);
}

const wType = (t: string): string => `W${t === "externalline" || t === "" ? "externalline" : t}`;

function participantId(ctx: CcContext, callID: number, dn: string): number {
  const key = `${callID}/${dn}`;
  let id = ctx.participantIds.get(key);
  if (id === undefined) ctx.participantIds.set(key, (id = ctx.participantIds.size + 1));
  return id;
}

function legsOf(c: Call): Leg[] {
  return [c.owner, ...c.talkTo, ...c.routingTo];
}

/**
 * Every leg at `dn` as a Participant (v20.md §2 field names only). Queue DNs (type `Wqueue`) are
 * listed like any other, so the socket pushes their participants too (queue.stats on V20 counts
 * from them). Assumed, the reference documents no queue participant: a caller waiting in a queue
 * is one participant at the queue DN with status `Ringing` for the whole wait, without a device
 * (`device_id` ""); it is removed (event_type 1) when an agent answers (the call goes on at the
 * agent's DN) or when the caller gives up. Hold is reported as `Connected` (no held state, §2).
 */
function participants(ctx: CcContext, dn: string): Json[] {
  const { pbx } = ctx;
  const out: Json[] = [];
  for (const c of pbx.calls.list()) {
    legsOf(c).forEach((l, legid) => {
      if (l.dnNum !== dn) return;
      const party = l.externalParty;
      const partyExt = pbx.extensions.get(party);
      const device = pbx.extensions.get(dn)?.devices[0];
      out.push({
        id: participantId(ctx, c.callID, dn),
        status: l.status === "Hold" || l.status === "Held" ? "Connected" : l.status,
        dn, party_caller_name: partyExt ? `${partyExt.name} ${partyExt.lastname}`.trim() : "",
        party_dn: partyExt ? party : "", party_caller_id: party, party_did: c.did,
        device_id: device?.contact ?? "", party_dn_type: wType(pbx.dnType(party)),
        direct_control: true, originated_by_dn: c.owner.dnNum, originated_by_type: wType(c.owner.dnType),
        referred_by_dn: "", referred_by_type: "", on_behalf_of_dn: "", on_behalf_of_type: "",
        callid: c.callID, legid,
      });
    });
  }
  return out;
}

function devices(ctx: CcContext, dn: string): Json[] {
  return (ctx.pbx.extensions.get(dn)?.devices ?? []).map((d) => ({ dn, device_id: d.contact, user_agent: d.userAgent }));
}

function dnInfo(ctx: CcContext, dn: string): Json {
  const type = dn === ctx.clientId ? "Wroutepoint" : wType(ctx.pbx.dnType(dn) || "extension");
  return { dn, type, devices: devices(ctx, dn), participants: participants(ctx, dn) };
}

const result = (p: Json | undefined): CcAnswer =>
  ({ status: 200, body: { finalstatus: "Success", reason: "None", result: p ?? null, reasontext: "" } });

function destination(body: Json): string | undefined {
  const d = body.destination;
  return typeof d === "string" && d.trim() !== "" ? d.trim() : undefined;
}

const PATH = /^\/callcontrol(?:\/([^/]+)(?:\/(devices|participants)(?:\/([^/]+)(?:\/(\w+))?)?|\/(makecall))?)?$/;

export function handleCallControl(ctx: CcContext, verb: string, path: string, body: Json): CcAnswer {
  const m = PATH.exec(path);
  if (!m) return err(404, "Not found");
  const [, rawDn, sub, rawId, action, makecall] = m;
  // The path arrives decoded (index.ts).
  const dn = rawDn;
  const id = rawId;
  const { pbx } = ctx;
  if (dn === undefined) {
    if (verb !== "GET") return err(405, "Method not allowed");
    const dns = [ctx.clientId, ...monitoredDns(ctx)];
    return { status: 200, body: dns.map((d) => dnInfo(ctx, d)) };
  }
  if (!reachable(ctx, dn)) return err(403, `DN ${dn} is not monitored by this API client`);

  const makeCall = (): CcAnswer => {
    const dest = destination(body);
    if (!dest) return err(422, "destination is required");
    const call = pbx.makeCall(dn, dest);
    return result(participants(ctx, dn).find((p) => p.callid === call.callID));
  };
  if (makecall) return verb === "POST" ? makeCall() : err(405, "Method not allowed");
  if (sub === undefined) return verb === "GET" ? { status: 200, body: dnInfo(ctx, dn) } : err(405, "Method not allowed");

  if (sub === "devices") {
    if (id === undefined) return verb === "GET" ? { status: 200, body: devices(ctx, dn) } : err(405, "Method not allowed");
    const device = devices(ctx, dn).find((d) => d.device_id === id);
    if (!device) return err(404, "Device not found");
    if (action === "makecall" && verb === "POST") return makeCall();
    return action === undefined && verb === "GET" ? { status: 200, body: device } : err(404, "Not found");
  }

  if (id === undefined) return verb === "GET" ? { status: 200, body: participants(ctx, dn) } : err(405, "Method not allowed");
  const part = participants(ctx, dn).find((p) => String(p.id) === id);
  if (!part) return err(404, "Participant not found");
  if (action === undefined) return verb === "GET" ? { status: 200, body: part } : err(405, "Method not allowed");
  if (verb !== "POST") return err(405, "Method not allowed");
  const callID = part.callid as number;
  switch (action) {
    case "drop":
      pbx.calls.end(callID, "Internal");
      return result(part);
    case "answer":
      if (part.status !== "Ringing") return err(422, "Only a ringing participant can be answered");
      pbx.calls.answer(callID, dn);
      return result(part);
    case "divert":
    case "routeto":
    case "transferto": {
      const dest = destination(body);
      if (!dest) return err(422, "destination is required");
      if (action === "divert" && part.status !== "Ringing") return err(422, "Only a ringing participant can be diverted");
      if (action === "transferto" && part.status !== "Connected") return err(422, "Only a connected participant can be transferred");
      pbx.calls.transfer(dn, dest);
      return result(part);
    }
    default:
      return err(404, "Unknown action");
  }
}
