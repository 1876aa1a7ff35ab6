/** Listings of the directory: extensions, queues, ring groups, IVRs, lines, departments. */
import { quote } from "../odata";
import type { V20Method } from "./types";
import { XAPI, asRows, byNumber, fail, idOf, mapped, str } from "./util";

/** `{ nums }` from one paged listing of an entity's Number. */
const numbers = (entity: string, what: string, confidence: "high" | "medium" = "high"): V20Method =>
  mapped(confidence, `GET ${XAPI}/${entity}?$select=Number (paged)`, async (x) => {
    const rows = asRows(x, await x.getAll(`${XAPI}/${entity}`, { $select: "Number" }), what);
    return { nums: rows.map((r) => str(r, "Number")) };
  });

export const DIRECTORY: Readonly<Record<string, V20Method>> = {
  "all.ext.get": numbers("Users", "users"),
  "all.registered.get": mapped("high", `GET ${XAPI}/Users?$select=Number,IsRegistered (paged), filtered here`, async (x) => {
    const rows = asRows(x, await x.getAll(`${XAPI}/Users`, { $select: "Number,IsRegistered" }), "users");
    return { nums: rows.filter((r) => r.IsRegistered === true).map((r) => str(r, "Number")) };
  }),
  "all.queue.get": numbers("Queues", "queues"),
  "all.group.get": numbers("RingGroups", "ring groups"),
  "all.ivr.get": numbers("Receptionists", "IVRs"),
  "all.line.get": numbers("Trunks", "trunks", "medium"),

  "group.members.get": mapped("high", `GET ${XAPI}/RingGroups?$filter=Number eq '…'&$expand=Members`, async (x, p) => {
    const g = await byNumber(x, "RingGroups", p.num, "ring group", { $expand: "Members" });
    const members = asRows(x, g.Members ?? [], "ring group members").map((m) => str(m, "Number"));
    return { count: members.length, members };
  }),

  "all.extgroup.get": mapped("low", `GET ${XAPI}/Groups?$select=Id,Name (paged)`, async (x) => {
    const rows = asRows(x, await x.getAll(`${XAPI}/Groups`, { $select: "Id,Name" }), "departments");
    return { extGroups: rows.map((r) => str(r, "Name")) };
  }),
  "extgroup.members.get": mapped("low", `GET ${XAPI}/Groups?$filter=Name eq '…', then GET ${XAPI}/Groups({Id})/Members`, async (x, p) => {
    const rows = asRows(x, await x.get(`${XAPI}/Groups`, { $filter: `Name eq ${quote(p.name)}`, $select: "Id,Name" }), "departments");
    const g = rows[0];
    if (!g) throw fail(x, "NOT_FOUND", `department ${p.name} is not on the PBX`);
    const members = asRows(x, await x.getAll(`${XAPI}/Groups(${idOf(x, g, "department")})/Members`, { $select: "Number" }), "department members")
      .map((m) => str(m, "Number"));
    return { count: members.length, members };
  }),
};
