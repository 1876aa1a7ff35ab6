/**
 * Call control through the Call Control API (the DN must be the API client's own or one of its
 * monitored extensions) and live calls. A CallControlResult whose finalstatus is not Success is
 * REFUSED (CCE types it as a string, the official examples as a number: both are read).
 */
import { XAPI, asRow, asRows, fail, mapped, str, type Row } from "./util";
import { scrubAnswer } from "../../../catalog";
import { countOf } from "../odata";
import { dnType } from "./names";
import type { Exchange, Params, V20Method } from "./types";

const dnPath = (num: string): string => `/callcontrol/${encodeURIComponent(num)}`;

function succeeded(r: Row): boolean {
  const s = r.finalstatus ?? r.FinalStatus;
  return s === "Success" || s === 1 || s === "1";
}

/** Checks a CallControlResult; REFUSED with the PBX's reason when it did not succeed. */
function checkResult(x: Exchange, answer: unknown, what: string): Row {
  const r = asRow(x, answer, "a Call Control result");
  if (!succeeded(r)) {
    const reason = str(r, "reasontext") || str(r, "reason") || str(r, "finalstatus") || "no reason given";
    throw fail(x, "REFUSED", `the PBX did not ${what} (${x.redact(reason).slice(0, 160)})`, scrubAnswer(r, x.redact));
  }
  return r;
}

async function participants(x: Exchange, num: string): Promise<Row[]> {
  return asRows(x, await x.get(`${dnPath(num)}/participants`), "participants");
}

/** The participants of `num` a drop/answer/transfer acts on: by device, by the other party. */
function choose(parts: Row[], p: Params, statuses?: readonly string[]): Row[] {
  return parts.filter((r) =>
    (!p.contact || str(r, "device_id") === p.contact)
    && (!p.external || str(r, "party_caller_id") === p.external || str(r, "party_dn") === p.external)
    && (!statuses || statuses.includes(str(r, "status"))));
}

async function act(x: Exchange, num: string, part: Row, action: string, body: unknown, what: string): Promise<void> {
  const id = part.id;
  if (typeof id !== "number" && typeof id !== "string") throw fail(x, "BAD_RESPONSE", "a participant without an id");
  checkResult(x, await x.send("POST", `${dnPath(num)}/participants/${encodeURIComponent(String(id))}/${action}`, body), what);
}

export const CALLS: Readonly<Record<string, V20Method>> = {
  makecall: mapped("medium", `POST /callcontrol/{first}/makecall {"destination": second} (or …/devices/{contact}/makecall)`, async (x, p) => {
    // The WebAPI's timeout is a response wait in ms, Call Control's a ring time in s: not sent.
    const path = p.contact ? `${dnPath(p.first)}/devices/${encodeURIComponent(p.contact)}/makecall` : `${dnPath(p.first)}/makecall`;
    checkResult(x, await x.send("POST", path, { destination: p.second }), `place the call from ${p.first} to ${p.second}`);
    return { first: p.first, second: p.second };
  }),

  drop: mapped("medium", "GET /callcontrol/{num}/participants, then POST …/participants/{id}/drop for each chosen one", async (x, p) => {
    const chosen = choose(await participants(x, p.num), p);
    if (chosen.length === 0) throw fail(x, "REFUSED", `${p.num} has no call${p.external ? ` with ${p.external}` : ""} to drop`);
    for (const part of chosen) await act(x, p.num, part, "drop", {}, `drop the call of ${p.num}`);
    return { result: "Drop" };
  }),

  answer: mapped("medium", "GET /callcontrol/{num}/participants, then POST …/participants/{id}/answer (devices with direct control)", async (x, p) => {
    const ringing = choose(await participants(x, p.num), p, ["Ringing"]);
    if (ringing.length === 0) throw fail(x, "REFUSED", `no call is ringing on ${p.num}${p.contact ? " on that device" : ""}`);
    await act(x, p.num, ringing[0], "answer", undefined, `answer the call on ${p.num}`);
    return { result: "Answer" };
  }),

  transfer: mapped("medium", "GET /callcontrol/{num}/participants, then POST …/{id}/transferto (connected) or …/divert (ringing) {\"destination\": dest}", async (x, p) => {
    const parts = choose(await participants(x, p.num), p, ["Connected", "Ringing"]);
    const part = parts.find((r) => str(r, "status") === "Connected") ?? parts[0];
    if (!part) throw fail(x, "REFUSED", `${p.num} has no call to transfer`);
    const action = str(part, "status") === "Connected" ? "transferto" : "divert";
    await act(x, p.num, part, action, { destination: p.dest }, `transfer the call of ${p.num} to ${p.dest}`);
    return { result: "Transfer" };
  }),

  "pbx.calls.get": mapped("high", `GET ${XAPI}/ActiveCalls?$count=true&$top=0 → @odata.count`, async (x) => {
    const count = countOf(await x.get(`${XAPI}/ActiveCalls`, { $count: "true", $top: "0" }));
    if (count === undefined) throw fail(x, "BAD_RESPONSE", "the PBX's answer has no @odata.count");
    return { result: count };
  }),

  "pbx.ac.get": mapped("medium", "GET /callcontrol (every monitored DN), participants grouped by callid", async (x) => {
    const dns = asRows(x, await x.get("/callcontrol"), "DNs");
    const calls = new Map<number, { callID: number; direction: string; did: string; AConnList: Array<Record<string, string>> }>();
    for (const dn of dns) {
      const type = dnType(str(dn, "type"));
      for (const part of asRows(x, dn.participants ?? [], "participants")) {
        const callID = Number(part.callid);
        if (!Number.isFinite(callID)) continue;
        let call = calls.get(callID);
        if (!call) calls.set(callID, (call = { callID, direction: "Internal", did: "", AConnList: [] }));
        const partyType = dnType(str(part, "party_dn_type"));
        if (partyType === "externalline") call.direction = str(part, "originated_by_type").toLowerCase().includes("externalline") ? "Inbound" : "Outbound";
        if (!call.did && str(part, "party_did")) call.did = str(part, "party_did");
        call.AConnList.push({
          dnNum: str(part, "dn") || str(dn, "dn"), dnType: type,
          externalParty: str(part, "party_caller_id") || str(part, "party_dn"), status: str(part, "status"),
        });
      }
    }
    return { count: calls.size, AConnByCallID: [...calls.values()] };
  }),
};
