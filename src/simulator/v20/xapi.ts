/**
 * The simulated Configuration API (XAPI, OData v4 at /xapi/v1): the entities and functions the
 * V20 mapping of the catalog uses (v20.md §4), read from and written to the same in-memory PBX
 * the WebAPI side serves, so a write through one interface shows through the other.
 */
import { findContacts } from "../pbx/phonebook";
import type { PbxState } from "../pbx/state";
import type { Principal } from "./auth";
import { CONTACT_FIELDS, IdBook, contact, fwdName, isoFromWebapi, queue, ringGroup, user, type Entity } from "./entities";
import { ODataError, collection, expandOf, project } from "./odata";

export interface XapiContext {
  readonly pbx: PbxState;
  readonly ids: IdBook;
  readonly principal: Principal;
  readonly base: string;
}

export interface XapiAnswer {
  status: number;
  body?: unknown;
}

const READ_ONLY_ROLE = "users";

function atLeast(version: string, minor: number): boolean {
  const m = /^20\.0\.(\d+)/.exec(version);
  return !m || Number(m[1]) >= minor;
}

const noContent: XapiAnswer = { status: 204 };
const notFound = (what: string): ODataError => new ODataError(404, `${what} not found`);

function entityAnswer(ctx: XapiContext, set: string, e: Entity, q: URLSearchParams): XapiAnswer {
  return { status: 200, body: { "@odata.context": `${ctx.base}/xapi/v1/$metadata#${set}/$entity`, ...project(e, q.get("$select"), expandOf(q)) } };
}

function text(body: Entity, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new ODataError(400, `${key}: expected a string`, key);
  return v;
}

function flag(body: Entity, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new ODataError(400, `${key}: expected true or false`, key);
  return v;
}

/** [{Number}] lists of PATCH bodies (Agents, Managers, Members). */
function numbers(ctx: XapiContext, body: Entity, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ODataError(400, `${key}: expected a list`, key);
  return v.map((m: unknown) => {
    const n = typeof m === "object" && m !== null ? (m as Entity).Number : undefined;
    if (typeof n !== "string" || !ctx.pbx.extensions.has(n)) throw new ODataError(400, `${key}:\nWARNINGS.XAPI.NOT_FOUND`, key);
    return n;
  });
}

function patchUser(ctx: XapiContext, num: string, body: Entity): void {
  const e = ctx.pbx.extensions.get(num);
  if (!e) throw notFound("User");
  if (body.Number !== undefined && body.Number !== num) throw new ODataError(400, "Number:\nWARNINGS.XAPI.CANNOT_CHANGE", "Number");
  const profile = text(body, "CurrentProfileName");
  if (profile !== undefined) {
    const name = fwdName(profile);
    if (!name) throw new ODataError(400, "CurrentProfileName:\nWARNINGS.XAPI.INVALID_VALUE", "CurrentProfileName");
    e.fwdName = name;
  }
  const qs = text(body, "QueueStatus");
  if (qs !== undefined) {
    if (qs !== "LoggedIn" && qs !== "LoggedOut") throw new ODataError(400, "QueueStatus:\nWARNINGS.XAPI.INVALID_VALUE", "QueueStatus");
    ctx.pbx.setGlobalQueueLogin(e, qs === "LoggedIn");
  }
  e.name = text(body, "FirstName") ?? e.name;
  e.lastname = text(body, "LastName") ?? e.lastname;
  e.email = text(body, "EmailAddress") ?? e.email;
  e.mobile = text(body, "Mobile") ?? e.mobile;
  e.enabled = flag(body, "Enabled") ?? e.enabled;
  const internal = flag(body, "Internal");
  if (internal !== undefined) e.externalCalls = !internal;
  const rec = flag(body, "RecordCalls");
  const extOnly = flag(body, "RecordExternalCallsOnly");
  if (rec !== undefined || extOnly !== undefined) {
    const on = rec ?? e.recordType !== "Off";
    e.recordType = !on ? "Off" : (extOnly ?? e.recordType === "External") ? "External" : "All";
  }
}

function contactFrom(body: Entity): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [x, s] of CONTACT_FIELDS) {
    const v = text(body, x);
    if (v !== undefined) out[s] = v;
  }
  return out;
}

/** The entity set and optional key of a path such as Users(12) or Contacts/Pbx.GetContactsByNumber(number='1'). */
const PATH = /^\/xapi\/v1\/(\w+)(?:\((\d+)\))?(?:\/(.+))?$/;

export function handleXapi(ctx: XapiContext, verb: string, path: string, q: URLSearchParams, body: Entity): XapiAnswer {
  const m = PATH.exec(path);
  if (!m) throw new ODataError(404, "Resource not found");
  const [, set, key, rest] = m;
  const id = key === undefined ? undefined : Number(key);
  const { pbx, ids } = ctx;
  if (set !== "Defs" && ctx.principal.role === READ_ONLY_ROLE) throw new ODataError(403, "Forbidden");
  const ctxUrl = `${ctx.base}/xapi/v1/$metadata#${set}`;
  const list = (rows: Entity[]): XapiAnswer => ({ status: 200, body: collection(ctxUrl, rows, q) });
  const write = verb !== "GET";

  switch (set) {
    case "Defs":
      if (rest === "Pbx.GetLicenseParameters()") return { status: 200, body: licence(pbx) };
      if (rest || write) break;
      return { status: 200, body: { "@odata.context": `${ctxUrl}(Id)/$entity`, Id: 0 } };
    case "SystemStatus":
      if (rest || write) break;
      return { status: 200, body: { "@odata.context": `${ctxUrl}/$entity`, ...systemStatus(ctx) } };
    case "LicenseStatus":
      if (rest || write) break;
      return { status: 200, body: { "@odata.context": `${ctxUrl}/$entity`, ...licence(pbx) } };
    case "Users": {
      const users = () => [...pbx.extensions.values()].map((e) => user(pbx, ids, e));
      if (id === undefined && !rest) {
        if (verb === "GET") return list(users());
        if (verb === "POST") {
          const wanted = text(body, "Number");
          let num = wanted ?? "";
          if (!num) for (let n = 100; ; n++) if (!pbx.extensions.has(String(n))) { num = String(n); break; }
          if (pbx.extensions.has(num)) throw new ODataError(400, "Number:\nWARNINGS.XAPI.DUPLICATE", "Number");
          const e = pbx.createExtension(num);
          patchUser(ctx, num, { ...body, Number: num });
          return { status: 201, body: user(pbx, ids, e) };
        }
      }
      if (id !== undefined && !rest) {
        const num = ids.key("user", id);
        const e = num === undefined ? undefined : pbx.extensions.get(num);
        if (!e || num === undefined) throw notFound("User");
        if (verb === "GET") return entityAnswer(ctx, set, user(pbx, ids, e), q);
        if (verb === "PATCH") { patchUser(ctx, num, body); return noContent; }
        if (verb === "DELETE") { pbx.deleteExtension(num); return noContent; }
      }
      break;
    }
    case "Queues": {
      if (id === undefined && !rest && verb === "GET") return list([...pbx.queues.values()].map((x) => queue(pbx, ids, x)));
      const num = id === undefined ? undefined : ids.key("queue", id);
      const qu = num === undefined ? undefined : pbx.queues.get(num);
      if (id === undefined) break;
      if (!qu) throw notFound("Queue");
      if (rest === "Agents" && verb === "GET") return list(queue(pbx, ids, qu).Agents as Entity[]);
      if (rest) break;
      if (verb === "GET") return entityAnswer(ctx, set, queue(pbx, ids, qu), q);
      if (verb === "PATCH") {
        const agents = numbers(ctx, body, "Agents");
        const managers = numbers(ctx, body, "Managers");
        if (agents) pbx.setQueueAgents(qu, agents);
        if (managers) qu.managers = [...new Set(managers)];
        qu.name = text(body, "Name") ?? qu.name;
        return noContent;
      }
      break;
    }
    case "RingGroups": {
      if (id === undefined && !rest && verb === "GET") return list([...pbx.ringGroups.values()].map((g) => ringGroup(pbx, ids, g)));
      if (id === undefined) break;
      const num = ids.key("ringgroup", id);
      const g = num === undefined ? undefined : pbx.ringGroups.get(num);
      if (!g) throw notFound("RingGroup");
      if (rest === "Members" && verb === "GET") return list(ringGroup(pbx, ids, g).Members as Entity[]);
      if (rest) break;
      if (verb === "GET") return entityAnswer(ctx, set, ringGroup(pbx, ids, g), q);
      if (verb === "PATCH") {
        const members = numbers(ctx, body, "Members");
        if (members) g.members = [...new Set(members)];
        g.name = text(body, "Name") ?? g.name;
        return noContent;
      }
      break;
    }
    case "Receptionists":
      if (id !== undefined || rest || write) break;
      return list(pbx.ivrs.map((i) => ({ Id: ids.id("ivr", i.num), Number: i.num, Name: i.name, IVRType: "Default" })));
    case "Trunks":
      if (id !== undefined || rest || write) break;
      return list(pbx.lines.map((l) => ({
        Id: ids.id("trunk", l.num), Number: l.num, Name: l.name, IsOnline: true, ExternalNumber: l.did,
        DidNumbers: l.did ? [l.did] : [], Direction: "Both", SimultaneousCalls: 10,
      })));
    case "Groups": {
      const groups = () => [...pbx.extGroups.keys()].map((name) => ({ Id: ids.id("group", name), Name: name }));
      if (id === undefined && !rest && verb === "GET") return list(groups());
      if (id === undefined) break;
      const name = ids.key("group", id);
      const members = name === undefined ? undefined : pbx.extGroups.get(name);
      if (!members) throw notFound("Group");
      if (rest === "Members" && verb === "GET") {
        return list(members.map((n) => ({ Id: ids.id("user", n), Number: n, Name: pbx.extensions.get(n)?.name ?? "" })));
      }
      break;
    }
    case "Contacts": {
      if (id === undefined && !rest) {
        if (verb === "GET") return list([...pbx.contacts.values()].map(contact));
        if (verb === "POST") return { status: 201, body: contact(pbx.addContact(contactFrom(body))) };
      }
      const byNumber = /^Pbx\.GetContactsByNumber\(number='((?:[^']|'')*)'\)$/.exec(rest ?? "");
      if (id === undefined && byNumber && verb === "GET") {
        if (!atLeast(ctx.principal.version, 9)) throw new ODataError(404, "Resource not found");
        const wanted = byNumber[1].replace(/''/g, "'");
        return list(findContacts(pbx.contacts.values(), wanted, 0).map((n) => contact(pbx.contacts.get(n)!)));
      }
      if (id === undefined || rest) break;
      const c = pbx.contacts.get(id);
      if (!c) throw notFound("Contact");
      if (verb === "GET") return entityAnswer(ctx, set, contact(c), q);
      if (verb === "PATCH") { Object.assign(c, contactFrom(body)); return noContent; }
      if (verb === "DELETE") { pbx.contacts.delete(id); return noContent; }
      break;
    }
    case "ActiveCalls": {
      if (id !== undefined || rest || write) break;
      const now = new Date().toISOString();
      const label = (num: string) => {
        const e = pbx.extensions.get(num);
        return e ? `${num} ${e.name} ${e.lastname}`.trim() : num;
      };
      return list(pbx.calls.list().map((c) => {
        const other = c.talkTo[0] ?? c.routingTo[0];
        return {
          Id: c.callID, Caller: label(c.owner.dnNum), Callee: other ? label(other.dnNum === c.owner.dnNum ? other.externalParty : other.dnNum) : c.owner.externalParty,
          Status: c.state, EstablishedAt: c.startedAt.toISOString(), LastChangeStatus: (c.answeredAt ?? c.startedAt).toISOString(), ServerNow: now,
        };
      }));
    }
    default:
      throw new ODataError(404, "Resource not found");
  }
  throw new ODataError(write ? 405 : 404, write ? "Method not allowed" : "Resource not found");
}

function licence(pbx: PbxState): Entity {
  return { IsEnterprise: true, IsProfessional: false, IsCfdEnabled: true, MaxSimCalls: pbx.license.concurrentCalls, ProductCode: "3CXPSENT", IsMaintainceExpired: false };
}

function systemStatus(ctx: XapiContext): Entity {
  const { pbx } = ctx;
  const expires = isoFromWebapi(pbx.license.licenseExpire);
  return {
    Version: ctx.principal.version, FQDN: "127.0.0.1", CallsActive: pbx.calls.count(),
    ExtensionsRegistered: pbx.registered().length, ExtensionsTotal: pbx.extensions.size,
    TrunksRegistered: pbx.lines.length, TrunksTotal: pbx.lines.length, LicenseActive: true,
    ExpirationDate: expires, MaintenanceExpiresAt: expires, MaxSimCalls: pbx.license.concurrentCalls, ProductCode: "3CXPSENT",
  };
}
