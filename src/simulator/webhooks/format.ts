/**
 * Turns call events into the webhook generator's requests, in its newer (v3) field names and key
 * order (reference §3): `ringing` per DN that rings (inbound, and the callee of an internal call),
 * `pickupincoming`/`pickupoutgoing` on answer, `incoming`/`outgoing` at the end, then for answered
 * calls the recording request `{"FILES":[…], …end fields}` and optionally `ai`.
 *
 * Guesses (undocumented): internal calls are reported like outbound calls of the caller; there is no
 * `duration` field — the generator puts the duration in `title` "(m:ss)" only.
 */
import type { CallEvent } from "../pbx/calls";
import type { Call } from "../pbx/model";
import { phonebookName } from "../pbx/phonebook";
import type { PbxState } from "../pbx/state";

export type WebhookPayload = Record<string, unknown>;

export interface FormatOptions {
  /** Base URL of recording files, e.g. "http://127.0.0.1:8088". */
  recordingBase: string;
  recordingFullInfo: boolean;
  ai: boolean;
}

export interface WebhookRequest {
  kind: "event" | "recording";
  payload: WebhookPayload;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** yyMMddHHmmss (UTC) of the call start: the prefix of the generator's call id. */
function stamp(d: Date): string {
  return `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** The generator's string id "yyMMddHHmmss_<callID>-<segment>": segment 0 before the answer, 1 after. */
export function webhookId(call: Call, segment: 0 | 1): string {
  return `${stamp(call.startedAt)}_${call.callID}-${segment}`;
}

/** File name of an answered call's recording (served at /webapi/recording/<name>). */
export function recordingName(call: Call): string {
  return `${webhookId(call, 1)}-1.mp3`;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0").slice(-width);

/** The call-chain GUID of a call (v3 webhooks; makecall's answer on WebAPI 3.x): stable per call. */
export function chidOf(call: Call): string {
  return `00000000-01dc-${hex(call.startedAt.getTime() >>> 16, 4)}-${hex(call.startedAt.getTime(), 4)}-64b0${hex(call.callID, 8)}`;
}

function common(call: Call, pbx: PbxState): WebhookPayload {
  const inbound = call.direction === "Inbound";
  const external = call.direction !== "Internal";
  const phonebook = external ? phonebookName(pbx.contacts.values(), call.meta.party) : "";
  return {
    chid: chidOf(call),
    inbound_did: inbound ? call.meta.line?.did ?? "" : external ? call.meta.party : "",
    sip_displayname: "",
    phonebook,
    call_id1: `sim-${call.callID}-a@127.0.0.1;from-tag=${hex(call.callID * 7919, 8)};to-tag=${hex(call.callID * 104729, 8)}`,
    call_id2: external ? `sim-${call.callID}-b@127.0.0.1;to-tag=${hex(call.callID * 15485863, 8)};from-tag=${hex(call.callID * 3571, 8)}` : "",
  };
}

const didOf = (call: Call) => (call.direction === "Inbound" ? call.meta.line?.didName ?? "" : "");
const TYPE_LABEL: Record<string, string> = { queue: "Queue", ivr: "IVR", ringgroup: "Ring group", extension: "Extension" };

function duration(call: Call, endedAt: Date): string {
  const s = call.answeredAt ? Math.max(0, Math.round((endedAt.getTime() - call.answeredAt.getTime()) / 1000)) : 0;
  return `${Math.floor(s / 60)}:${pad(s % 60)}`;
}

function endFields(e: Extract<CallEvent, { type: "ended" }>, pbx: PbxState): WebhookPayload {
  const { call, missed } = e;
  const inbound = call.direction === "Inbound";
  const did = didOf(call);
  const party = call.meta.party;
  const title = inbound
    ? missed
      ? `${did}:Missed call by ${TYPE_LABEL[call.meta.targetType] ?? "DN"} ${call.meta.target} from ${party}`
      : `${did}:Answered call from ${party} (${duration(call, e.endedAt)})`
    : missed ? `Unanswered call to ${party}` : `Successful call to ${party} (${duration(call, e.endedAt)})`;
  const c = common(call, pbx);
  return {
    event: inbound ? "incoming" : "outgoing",
    callerid: party,
    user: missed ? (inbound ? call.meta.target : call.owner.dnNum) : call.meta.agent ?? call.owner.dnNum,
    finishtype: missed ? "Missed" : "Ok",
    transfer: call.meta.transferred ? "True" : "False",
    breakside: e.breakside,
    did,
    title,
    id: webhookId(call, missed ? 0 : 1),
    ...c,
    termination_reason_details: missed ? (inbound ? "by_did" : "declined") : "",
    source_presentation: inbound ? `${c.phonebook || party}:${did}` : pbx.defaultLine().did,
  };
}

export function webhooksFor(e: CallEvent, pbx: PbxState, opts: FormatOptions): WebhookRequest[] {
  const { call } = e;
  const inbound = call.direction === "Inbound";
  if (e.type === "ringing") {
    return [{
      kind: "event",
      payload: {
        event: "ringing", callerid: inbound ? call.meta.party : call.owner.dnNum, user: e.dn, usertype: e.usertype,
        did: didOf(call), id: webhookId(call, 0), ...common(call, pbx),
      },
    }];
  }
  if (e.type === "answered") {
    return [{
      kind: "event",
      payload: {
        callerid: call.meta.party, event: inbound ? "pickupincoming" : "pickupoutgoing", user: e.dn,
        did: didOf(call), trtype: call.meta.trtype, id: webhookId(call, 1), ...common(call, pbx),
      },
    }];
  }
  const end = endFields(e, pbx);
  const out: WebhookRequest[] = [{ kind: "event", payload: end }];
  if (e.missed) return out;
  const files = [`${opts.recordingBase}/webapi/recording/${recordingName(call)}`];
  out.push({ kind: "recording", payload: opts.recordingFullInfo ? { FILES: files, ...end } : { FILES: files } });
  if (opts.ai) {
    out.push({
      kind: "event",
      payload: {
        event: "ai", id: webhookId(call, 1),
        summary: `Simulated call with ${call.meta.party}: the caller asked about an invoice and was helped.`,
        transcription: "Agent: Hello, how can I help? Caller: I have a question about my invoice. Agent: Sure, let me check.",
        sentiment_score: "4",
      },
    });
  }
  return out;
}
