/**
 * One handler per catalog method: validated params in, the WebAPI's JSON answer out, built from the
 * in-memory PBX. Answer shapes follow the seed exactly (reference §1).
 *
 * Unknown things (our design; the real errors are undocumented): a read of an unknown extension,
 * queue, group or contact answers 404. Strict (the default), a write naming one answers 404 and
 * creating something that exists 409, except where the seed's own examples do it (SEED_EXCEPTIONS);
 * lenient, such writes are acknowledged like the seed shows and change nothing.
 */
import { ApiError, type Params } from "./validate";
import { CONTACT_DATA_FIELDS, type Extension, type Queue, type QueueSettings, type RingGroup } from "../pbx/model";
import { findContacts } from "../pbx/phonebook";
import { LICENSE_3_0_8, SEED_EXCEPTIONS } from "../pbx/seed";
import type { PbxState } from "../pbx/state";
import { chidOf } from "../webhooks/format";

export interface HandlerContext {
  readonly pbx: PbxState;
  readonly strict: boolean;
  /** 2: WebAPI 2.1.9 answers (the seed); 3: 3.x (makecall answers a chid, the 3.0.8 license). */
  readonly version: 2 | 3;
}

type Handler = (p: Params, ctx: HandlerContext) => unknown;

const OK = { result: true } as const;
const verb = (result: string) => ({ result });
const list = <T>(members: T[]) => ({ count: members.length, members });
const on = (v: string | undefined) => (v === undefined ? undefined : v === "on" || v === "1");

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new ApiError(404, `Unknown ${what} ${id}`);
  return value;
}

/** The target of a write: undefined (write ignored) when lenient or one of the seed's unlisted numbers; else strict 404. */
function target<T>(ctx: HandlerContext, value: T | undefined, what: string, id: string): T | undefined {
  return ctx.strict && !SEED_EXCEPTIONS.has(`${what} ${id}`) ? found(value, what, id) : value;
}

function mustNotExist(ctx: HandlerContext, exists: boolean, what: string, id: string): boolean {
  if (exists && ctx.strict && !SEED_EXCEPTIONS.has(`create ${what} ${id}`)) throw new ApiError(409, `${what} ${id} already exists`);
  return !exists;
}

const ext = (c: HandlerContext, num: string): Extension => found(c.pbx.extensions.get(num), "extension", num);
const queue = (c: HandlerContext, num: string): Queue => found(c.pbx.queues.get(num), "queue", num);
const group = (c: HandlerContext, num: string): RingGroup => found(c.pbx.ringGroups.get(num), "ring group", num);
const split = (v: string): string[] => v.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** Call control on `num` (strict: an extension, or a DN with a leg in a call), answered with the action's verb. */
const callControl = (result: string, act: (p: Params, pbx: PbxState) => unknown): Handler => (p, c) => {
  if (c.pbx.calls.callsOf(p.num).length === 0) target(c, c.pbx.extensions.get(p.num), "extension", p.num);
  act(p, c.pbx);
  return verb(result);
};

const RECORD_TYPES: Record<string, string> = { external: "External", all: "All", off: "Off", "0": "Off", "1": "All", "2": "External" };

function queueSettings(p: Params): Partial<QueueSettings> {
  const s: Partial<QueueSettings> = {};
  const num = (k: "pollingstrategy" | "mastertimeout" | "ringtimeout" | "announcementinterval") => {
    if (p[k] !== undefined) s[k] = Number(p[k]);
  };
  num("pollingstrategy"); num("mastertimeout"); num("ringtimeout"); num("announcementinterval");
  if (p.enableintro !== undefined) s.enableintro = p.enableintro === "1";
  if (p.announcequeueposition !== undefined) s.announcequeueposition = p.announcequeueposition === "1";
  if (p.introfile !== undefined) s.introfile = p.introfile;
  return s;
}

/** contact.new/update field names → stored (contact.get) names. */
function contactFields(p: Params) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === "firstname") out.name = v;
    else if (k === "lastname") out.lastName = v;
    else if (k === "company" || k === "phone" || /^data\d$/.test(k)) out[k] = v;
  }
  return out;
}

export const HANDLERS: Readonly<Record<string, Handler>> = {
  // --- live calls and call control ---
  "pbx.calls.get": (_p, c) => ({ result: c.pbx.calls.count() }),
  "pbx.ac.get": (_p, c) => c.pbx.calls.acView(),
  // Always computed: the seed's callsinfo answer is exactly the starting calls.
  "pbx.callsinfo.get": (_p, c) => c.pbx.calls.callsInfoView(),
  makecall: (p, c) => {
    // first may be an extension, queue, ring group or IVR (or a CFD app, which the simulator has none of).
    const known = c.pbx.extensions.has(p.first) || c.pbx.queues.has(p.first) || c.pbx.ringGroups.has(p.first) || c.pbx.ivrs.some((i) => i.num === p.first);
    if (c.strict && !known) throw new ApiError(404, `Unknown number ${p.first}`);
    const call = c.pbx.makeCall(p.first, p.second);
    // 2.1.9 echoes the two numbers; 3.x answers the call's chid (which its webhooks carry).
    return c.version === 3 ? { chid: chidOf(call) } : { first: p.first, second: p.second };
  },
  // Call control acts on any DN with a leg in a call (the seed's calls are between DNs such as
  // 1739 that are not extensions); nothing to act on is still acknowledged, as the seed shows.
  drop: callControl("Drop", (p, pbx) => pbx.calls.drop(p.num, p.external)),
  answer: callControl("Answer", (p, pbx) => pbx.calls.answerRingingOn(p.num)),
  transfer: callControl("Transfer", (p, pbx) => pbx.calls.transfer(p.num, p.dest)),
  // What join does is undocumented: acknowledged, nothing changes.
  join: callControl("Join", () => undefined),

  // --- directory ---
  info: (_p, c) => (c.version === 3 ? { ...LICENSE_3_0_8 } : { ...c.pbx.license }),
  "all.line.get": (_p, c) => ({ nums: c.pbx.lines.map((l) => l.num) }),
  "all.ext.get": (_p, c) => ({ nums: [...c.pbx.extensions.keys()] }),
  "all.registered.get": (_p, c) => ({ nums: c.pbx.registered() }),
  "all.group.get": (_p, c) => ({ nums: [...c.pbx.ringGroups.keys()] }),
  "all.ivr.get": (_p, c) => ({ nums: c.pbx.ivrs.map((i) => i.num) }),
  "all.queue.get": (_p, c) => ({ nums: [...c.pbx.queues.keys()] }),
  "all.extgroup.get": (_p, c) => ({ extGroups: [...c.pbx.extGroups.keys()] }),
  "extgroup.members.get": (p, c) => list([...found(c.pbx.extGroups.get(p.name), "extension group", p.name)]),
  "group.members.get": (p, c) => list([...group(c, p.num).members]),
  "group.free.get": (p, c) => list(group(c, p.num).members.filter((m) => c.pbx.isFree(m))),
  "group.members.set": (p, c) => {
    const g = target(c, c.pbx.ringGroups.get(p.num), "ring group", p.num);
    if (g) g.members = [...new Set(split(p.members))];
    return OK;
  },

  // --- extensions ---
  "ext.info.get": (p, c) => {
    const e = ext(c, p.num);
    return {
      num: e.num, name: e.name, lastname: e.lastname, email: e.email, mobile: e.mobile,
      enabled: e.enabled, externalCalls: e.externalCalls, recordType: e.recordType,
    };
  },
  "ext.state.get": (p, c) => c.pbx.extensionState(ext(c, p.num)),
  "ext.devices.get": (p, c) => {
    const devices = ext(c, p.num).devices.map((d) => ({ userAgent: d.userAgent, contact: d.contact }));
    return { count: devices.length, devices };
  },
  "ext.fwd.set": (p, c) => {
    const e = target(c, c.pbx.extensions.get(p.num), "extension", p.num);
    if (e && p.status !== undefined) e.fwdName = p.status;
    if (e && p.message !== undefined) e.statusMessage = p.message;
    return OK;
  },
  "ext.queueglobal.set": (p, c) => {
    const e = target(c, c.pbx.extensions.get(p.num), "extension", p.num);
    if (e) c.pbx.setGlobalQueueLogin(e, p.log === "on");
    return OK;
  },
  "ext.queue.set": (p, c) => {
    const e = target(c, c.pbx.extensions.get(p.num), "extension", p.num);
    if (e && target(c, c.pbx.queues.get(p.queue), "queue", p.queue)) c.pbx.setQueueLogin(e, p.queue, p.log === "on");
    return OK;
  },
  "ext.options.set": (p, c) => {
    const e = target(c, c.pbx.extensions.get(p.num), "extension", p.num);
    if (!e) return OK;
    e.enabled = on(p.enabled) ?? e.enabled;
    e.externalCalls = on(p.external) ?? e.externalCalls;
    if (p.recording !== undefined) e.recordType = RECORD_TYPES[p.recording.toLowerCase()] ?? p.recording;
    return OK;
  },
  "ext.new": (p, c) => {
    if (mustNotExist(c, c.pbx.extensions.has(p.num), "extension", p.num)) c.pbx.createExtension(p.num);
    return verb("Create extension");
  },
  "ext.del": (p, c) => {
    if (target(c, c.pbx.extensions.get(p.num), "extension", p.num)) c.pbx.deleteExtension(p.num);
    return verb("Delete extension");
  },
  "ext.update": (p, c) => {
    const e = target(c, c.pbx.extensions.get(p.num), "extension", p.num);
    if (!e) return verb("Update extension");
    for (const [k, v] of Object.entries(p)) {
      if (k === "num") continue;
      else if (k === "enabled") e.enabled = v === "1";
      else if (k === "firstname") e.name = v;
      else if (k === "lastname") e.lastname = v;
      else if (k === "email") e.email = v;
      else if (k === "mobile") e.mobile = v;
      else if (k === "recordcalls") e.recordType = RECORD_TYPES[v] ?? e.recordType;
      else if (k === "internal") e.externalCalls = v !== "1";
      else e.settings[k] = v;
    }
    return verb("Update extension");
  },

  // --- queues ---
  "queue.members.get": (p, c) => list(c.pbx.queueMembers(queue(c, p.num), "all")),
  "queue.free.get": (p, c) => list(c.pbx.queueMembers(queue(c, p.num), "free")),
  "queue.talk.get": (p, c) => list(c.pbx.queueMembers(queue(c, p.num), "talking")),
  "queue.isfree.get": (p, c) => ({ result: c.pbx.queueMembers(queue(c, p.num), "free").length > 0 }),
  "queue.agents.set": (p, c) => {
    const q = target(c, c.pbx.queues.get(p.num), "queue", p.num);
    if (q) c.pbx.setQueueAgents(q, split(p.members));
    return OK;
  },
  "queue.managers.set": (p, c) => {
    const q = target(c, c.pbx.queues.get(p.num), "queue", p.num);
    if (q) q.managers = [...new Set(split(p.managers))];
    return OK;
  },
  "queue.new": (p, c) => {
    if (mustNotExist(c, c.pbx.queues.has(p.num), "queue", p.num)) c.pbx.createQueue(p.num, p.name, queueSettings(p));
    return verb("Create queue");
  },
  "queue.update": (p, c) => {
    const q = target(c, c.pbx.queues.get(p.num), "queue", p.num);
    if (q) {
      if (p.name !== undefined) q.name = p.name;
      q.settings = { ...q.settings, ...queueSettings(p) };
    }
    return verb("Update queue");
  },
  "queue.del": (p, c) => {
    if (target(c, c.pbx.queues.get(p.num), "queue", p.num)) c.pbx.deleteQueue(p.num);
    return verb("Delete queue");
  },

  // --- phonebook ---
  "contact.find": (p, c) => ({ id: findContacts(c.pbx.contacts.values(), p.num, p.min_len === undefined ? 0 : Number(p.min_len)) }),
  "contact.get": (p, c) => {
    const x = found(c.pbx.contacts.get(Number(p.id)), "contact", p.id);
    return {
      name: x.name, lastName: x.lastName, company: x.company, crmContactData: x.crmContactData, tag: x.tag,
      ...Object.fromEntries(CONTACT_DATA_FIELDS.map((f) => [f, x[f]])),
    };
  },
  "contact.new": (p, c) => ({ id: c.pbx.addContact(contactFields(p)).id }),
  "contact.update": (p, c) => {
    const contact = target(c, c.pbx.contacts.get(Number(p.id)), "contact", p.id);
    if (contact) Object.assign(contact, contactFields(p));
    return verb("Update contact");
  },
  "contact.del": (p, c) => {
    if (target(c, c.pbx.contacts.get(Number(p.id)), "contact", p.id)) c.pbx.contacts.delete(Number(p.id));
    return verb("Delete contact");
  },

  // --- system ---
  "cfd.reset": () => verb("CFD scripts have been reset"),
  "csv.reread": () => verb("Success"),
};
