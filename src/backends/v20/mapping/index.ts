/**
 * The V20 mapping table: for every catalog method, how the V20 backend carries it out, or why it
 * cannot (UNSUPPORTED: an error before any request). Low-confidence entries are offered as
 * "(preview)" in the editor and the help (v20.md §8: only a real PBX can confirm them).
 */
import { METHODS } from "../../../catalog";
import { CALLS } from "./calls";
import { CONTACTS } from "./contacts";
import { DIRECTORY } from "./directory";
import { EXTENSIONS } from "./extensions";
import { QUEUES } from "./queues";
import { SYSTEM } from "./system";
import type { V20Method } from "./types";

export type { Confidence, Exchange, Mapped, Unsupported, V20Method } from "./types";

const none = (reason: string): V20Method => ({ kind: "unsupported", reason });
const NOT_YET = "not mapped: the reference's mapping is a low-confidence guess";

const UNSUPPORTED: Readonly<Record<string, V20Method>> = {
  join: none("Call Control has no join"),
  "ext.queue.set": none("V20 has no per-queue agent login, only the global one (ext.queueglobal.set)"),
  "cfd.reset": none("CallFlowApps have no reset"),
  "csv.reread": none("Users.csv belongs to the WebAPI add-on"),
  "pbx.callsinfo.get": none(`${NOT_YET} (ActiveCalls have no answer time)`),
  "ext.options.set": none(NOT_YET),
  "ext.update": none(NOT_YET),
  "queue.free.get": none(`${NOT_YET} (derived from agents, logins and calls)`),
  "queue.talk.get": none(`${NOT_YET} (derived from agents and calls)`),
  "queue.isfree.get": none(`${NOT_YET} (derived from agents, logins and calls)`),
  "group.free.get": none(`${NOT_YET} (derived from members and calls)`),
  "queue.new": none(NOT_YET),
  "queue.update": none(NOT_YET),
  "queue.del": none(NOT_YET),
};

export const V20_METHODS: Readonly<Record<string, V20Method>> = {
  ...UNSUPPORTED, ...CALLS, ...EXTENSIONS, ...QUEUES, ...CONTACTS, ...DIRECTORY, ...SYSTEM,
};

/** How a method stands on V20: "supported", "preview" (low confidence) or "unsupported". */
export type V20Support = "supported" | "preview" | "unsupported";

export function v20Support(method: string): V20Support {
  const m = V20_METHODS[method];
  if (!m || m.kind === "unsupported") return "unsupported";
  return m.confidence === "low" ? "preview" : "supported";
}

/** How an offer stands on V20 when it calls several methods (an operation's look-up and its target): the weakest. */
export function v20SupportOfAll(methods: readonly string[]): V20Support {
  const all = methods.map(v20Support);
  return all.includes("unsupported") ? "unsupported" : all.includes("preview") ? "preview" : "supported";
}

/** Every catalog method has an entry (checked by a test, and here once at load). */
for (const m of METHODS) if (!V20_METHODS[m.name]) throw new Error(`V20 mapping: no entry for ${m.name}`);
