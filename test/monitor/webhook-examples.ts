/**
 * Webhook requests in the shapes reference/webapi.md §3 documents (old and new names, the v3
 * fields, the recording and ai requests, the K2M Capitalised variant), with the topics each must
 * give. Shared by the unit tests and the end-to-end tests through Node-RED.
 */

export interface WebhookExample {
  readonly name: string;
  readonly fields: Record<string, unknown>;
  /** The topics, in order, for a call never heard of before. */
  readonly topics: readonly string[];
  /** Whether the GET (query) scheme can carry it: the recording request is always a POST. */
  readonly get: boolean;
}

const V3 = {
  chid: "00000000-01dc-27fa-d1eb-64b00000002e",
  inbound_did: "381213220030",
  sip_displayname: "John Smith",
  phonebook: "Smith, John",
  call_id1: "abc@10.0.0.1;from-tag=1;to-tag=2",
  call_id2: "",
};

export const WEBHOOK_EXAMPLES: readonly WebhookExample[] = [
  {
    name: "ringing (old GET example)",
    fields: { event: "ringing", callerid: "420774852640", user: "800", usertype: "other", did: "DID-420223003090", id: "220726165956_2-0" },
    topics: ["call.started", "call.ringing"],
    get: true,
  },
  {
    name: "ringing (v3, extension)",
    fields: { event: "ringing", callerid: "381629759787", user: "100", usertype: "ext", did: "DID Serbia 021 3220 030", id: "250910183903_6-0", ...V3 },
    topics: ["call.started", "call.ringing"],
    get: true,
  },
  { name: "dialing (outbound start)", fields: { event: "dialing", callerid: "381629759787", user: "100", did: "", id: "250917195359_47-0" }, topics: ["call.started"], get: true },
  {
    name: "hangupincoming (old name of the answer)",
    fields: { event: "hangupincoming", callerid: "420774852629", user: "100", did: "DID-420222000320", id: "230115121143_9-1", trtype: "NotDef" },
    topics: ["call.started", "call.answered"],
    get: true,
  },
  {
    name: "pickupincoming (new name)",
    fields: { callerid: "381629759787", event: "pickupincoming", user: "100", did: "DID Serbia 021 3220 030", id: "250910183903_6-1", trtype: "Blind", ...V3 },
    topics: ["call.started", "call.answered"],
    get: true,
  },
  { name: "hangupoutgoing (old name)", fields: { event: "hangupoutgoing", callerid: "381629759787", user: "100", did: "", id: "230115121500_10-1", trtype: "NotDef" }, topics: ["call.started", "call.answered"], get: true },
  { name: "pickupoutgoing (new name)", fields: { event: "pickupoutgoing", callerid: "381629759787", user: "100", did: "", id: "250917195359_47-1", trtype: "NotDef", ...V3 }, topics: ["call.started", "call.answered"], get: true },
  {
    name: "incoming (end, answered)",
    fields: { event: "incoming", callerid: "420774852629", user: "100", did: "DID-420222000320", id: "230115121143_9-1", finishtype: "Ok", transfer: "False", breakside: "External", title: "DID-420222000320:Answered call from 420774852629 (0:07)" },
    topics: ["call.ended"],
    get: true,
  },
  {
    name: "incoming (end, missed)",
    fields: { event: "incoming", callerid: "381629759787", user: "809", did: "DID Serbia 021 3220 030", id: "250910183903_6-0", finishtype: "Missed", transfer: "False", breakside: "Undef", title: "DID Serbia 021 3220 030:Missed call by IVR 809 from 381629759787", termination_reason_details: "by_did", ...V3 },
    topics: ["call.ended"],
    get: true,
  },
  {
    name: "outgoing (end, answered)",
    fields: { event: "outgoing", callerid: "381629759787", user: "100", did: "", id: "250917195359_47-1", finishtype: "Ok", transfer: "false", breakside: "Internal", title: "Successful call to 381629759787 (0:05)", source_presentation: "381213220030", ...V3 },
    topics: ["call.ended"],
    get: true,
  },
  {
    name: "outgoing (end, unanswered)",
    fields: { event: "outgoing", callerid: "381629759787", user: "100", did: "", id: "250917195400_48-0", finishtype: "Missed", transfer: "False", breakside: "Undef", title: "Unanswered call to 381629759787", termination_reason_details: "declined" },
    topics: ["call.ended"],
    get: true,
  },
  { name: "FILES (recording request, short)", fields: { FILES: ["https://fqdn.my3cx.eu:5001/webapi/recording/220726170922_4-1-1.mp3"] }, topics: ["call.recording"], get: false },
  {
    name: "FILES with RECORDING_FULL_INFO (end fields repeated)",
    fields: { FILES: ["https://fqdn.my3cx.eu:5001/webapi/recording/230115121143_9-1-1.mp3"], event: "incoming", callerid: "420774852629", user: "100", id: "230115121143_9-1", finishtype: "Ok" },
    topics: ["call.recording"],
    get: false,
  },
  { name: "ai", fields: { event: "ai", id: "250910183903_6-1", summary: "Customer asked for an invoice copy.", transcription: "Hello, I need…", sentiment_score: "5" }, topics: ["call.ai"], get: true },
  {
    name: "K2M ringing (Capitalised keys)",
    fields: { Event: "ringing", Callerid: "905321112233", User: "201", Usertype: " queue", Did: "902120000000", Id: "240101101010_77-0" },
    topics: ["call.started", "call.ringing"],
    get: true,
  },
  { name: "K2M incomingcall_started", fields: { Event: "incomingcall_started", Callerid: "905321112233", User: "201", Did: "902120000000", Id: "240101101010_77-1", Trtype: "NotDef" }, topics: ["call.started", "call.answered"], get: true },
  {
    name: "K2M incoming (end)",
    fields: { Event: "incoming", Callerid: "905321112233", User: "201", Did: "902120000000", Id: "240101101010_77-1", Finishtype: "Ok", Transfer: "False", Duration: "00:06" },
    topics: ["call.ended"],
    get: true,
  },
  { name: "K2M recording (FileUrls)", fields: { Event: "recording", Id: "240101101010_77-1", FileUrls: ["https://pbx.example.com/webapi/recording/240101101010_77-1-1.mp3"] }, topics: ["call.recording"], get: false },
];

/** The GET scheme's query string for an example (arrays as repeated keys). */
export function toQuery(fields: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  return q.toString();
}
