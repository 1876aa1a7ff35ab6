/**
 * Reading what the PBX sends on V20: WebSocket messages, entity paths, participants, devices and
 * the `GET /callcontrol` list. Tolerant of the documented PascalCase form beside the wire's
 * snake_case; what cannot be read is `undefined` (the caller skips it), never a guess.
 */
import type { Device, DnInfo, EntityPath, Participant, WsEvent, WsEventType } from "./types";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The first of the keys present (snake_case on the wire, PascalCase in the guide). */
function pick(o: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/** An integer id sent as a number or as its decimal text. */
function intId(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

const EVENT_TYPES: Record<string, WsEventType> = { "0": "upsert", "1": "remove", "2": "dtmf", upsert: "upsert", remove: "remove", dtmfstring: "dtmf" };

/** One socket message → the event, or undefined when it is not an entity event (a response, garbage). */
export function parseWsMessage(data: string): WsEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  const inner = pick(raw, "event", "Event");
  const ev = isObject(inner) ? inner : raw;
  const entity = pick(ev, "entity", "Entity");
  const type = pick(ev, "event_type", "EventType");
  if (typeof entity !== "string" || entity === "" || type === undefined) return undefined;
  const seq = intId(pick(raw, "sequence", "Sequence"));
  return {
    ...(seq !== undefined ? { sequence: seq } : {}),
    type: EVENT_TYPES[String(type).toLowerCase()] ?? "other",
    entity,
    attachedData: pick(ev, "attached_data", "AttachedData") ?? null,
  };
}

/** `/callcontrol/{dn}/participants/{id}` or `…/devices/{id}` → its parts; anything else undefined. */
export function parseEntityPath(path: string): EntityPath | undefined {
  const m = /^\/callcontrol\/([^/]+)\/(participants|devices)\/([^/]+)\/?$/.exec(path);
  if (!m) return undefined;
  try {
    return { dn: decodeURIComponent(m[1]!), kind: m[2] as EntityPath["kind"], id: decodeURIComponent(m[3]!) };
  } catch {
    return undefined; // a malformed %-escape
  }
}

/** The path of a participant, as the socket names it (the key the tracker keeps it under). */
export function participantPath(dn: string, id: number | string): string {
  return `/callcontrol/${encodeURIComponent(dn)}/participants/${encodeURIComponent(String(id))}`;
}

export function devicePath(dn: string, deviceId: string): string {
  return `/callcontrol/${encodeURIComponent(dn)}/devices/${encodeURIComponent(deviceId)}`;
}

/** A participant as the PBX sent it (unknown fields kept), or undefined without an id, dn and status. */
export function readParticipant(raw: unknown): Participant | undefined {
  if (!isObject(raw)) return undefined;
  const id = intId(raw.id);
  const dn = text(raw.dn);
  const status = text(raw.status);
  if (id === undefined || dn === undefined || dn === "" || status === undefined) return undefined;
  const out: Record<string, unknown> = { ...raw, id, dn, status };
  // callid is what groups legs into calls: read it as a number when it is one, drop it when unusable.
  const callid = intId(raw.callid) ?? text(raw.callid);
  if (callid === undefined || callid === "") delete out.callid;
  else out.callid = callid;
  return out as Participant;
}

export function readDevice(raw: unknown): Device | undefined {
  if (!isObject(raw)) return undefined;
  const dn = text(raw.dn);
  const id = text(raw.device_id);
  if (dn === undefined || id === undefined || id === "") return undefined;
  return { ...raw, dn, device_id: id } as Device;
}

/** The answer of `GET /callcontrol`, or undefined when it is not a list (the caller reports BAD_RESPONSE). */
export function readDnList(raw: unknown): DnInfo[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: DnInfo[] = [];
  for (const item of raw) {
    if (!isObject(item)) continue;
    const dn = text(item.dn);
    if (dn === undefined || dn === "") continue;
    const devices = Array.isArray(item.devices) ? item.devices.map(readDevice).filter((d): d is Device => d !== undefined) : [];
    const participants = Array.isArray(item.participants) ? item.participants.map(readParticipant).filter((p): p is Participant => p !== undefined) : [];
    out.push({ dn, ...(typeof item.type === "string" ? { type: item.type } : {}), devices, participants });
  }
  return out;
}
