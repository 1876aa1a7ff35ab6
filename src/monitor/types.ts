import type { QueueStatsPayload } from "./queue-stats";

/**
 * The events of the `3cx-monitor` node (SPEC §5) and the snapshot model the poller diffs. Both
 * sources (polling, webhooks) produce these shapes, so a flow does not care where an event came
 * from. Nothing in here knows about Node-RED.
 */

/** Every event name a monitor emits, in the order the editor lists them. */
export const EVENT_NAMES = [
  "call.started",
  "call.ringing",
  "call.answered",
  "call.ended",
  "call.recording",
  "call.ai",
  "extension.status",
  "queue.agent",
  "pbx.down",
  "pbx.up",
  "webhook.event",
] as const;

/** Events a monitor emits only when ticked (not in a blank or old filter, not ticked for a new node). */
export const OFF_BY_DEFAULT: ReadonlySet<string> = new Set(["webhook.event"]);

/**
 * `snapshot` is emitted only when asked for (an input message) and `queue.stats` when the monitor's
 * statistics interval is set, so neither is in the filter.
 */
export type EventName = (typeof EVENT_NAMES)[number] | "snapshot" | "queue.stats";

export function isEventName(s: string): s is (typeof EVENT_NAMES)[number] {
  return (EVENT_NAMES as readonly string[]).includes(s);
}

/** One leg of a call, as `pbx.callsinfo.get` reports it (owner, talkTo[], routingTo[]). */
export interface CallLeg {
  readonly dnNum?: string;
  readonly dnType?: string;
  readonly externalParty?: string;
  readonly status?: string;
  readonly [k: string]: unknown;
}

/** One item of `pbx.callsinfo.get`'s `callsInfo`, as reported (unknown extra keys kept). */
export interface CallInfo {
  readonly callID: number | string;
  readonly state?: string;
  readonly startedAt?: string;
  readonly answeredAt?: string;
  readonly did?: string;
  readonly owner?: CallLeg;
  readonly talkTo?: readonly CallLeg[];
  readonly routingTo?: readonly CallLeg[];
  readonly [k: string]: unknown;
}

/** `ext.state.get`'s answer, as reported. */
export interface ExtState {
  readonly num: string;
  readonly registered?: boolean;
  readonly status?: string;
  readonly fwdName?: string;
  readonly qGlobalStatus?: boolean;
  readonly qStatus?: ReadonlyArray<{ readonly num: string; readonly status: boolean }>;
  readonly [k: string]: unknown;
}

/** One member of `queue.members.get`. */
export interface QueueMember {
  readonly num: string;
  readonly name?: string;
  readonly lastname?: string;
  readonly loggedIn: boolean;
  readonly [k: string]: unknown;
}

/** What the poller knows about one live call; the facts marked sticky survive a flapping state. */
export interface TrackedCall {
  readonly call: CallInfo;
  /** Sticky: once answered, a call stays answered (Talking → Held → Talking is one answer). */
  readonly answered: boolean;
  /** When it was answered: the PBX's answeredAt (even if it shows up late), else when we saw it. */
  readonly answeredAtMs?: number;
  /** When the call started: the PBX's startedAt, else when we first saw it. */
  readonly startedAtMs: number;
  /** The same two times as text: the PBX's own string when it gave one, else ISO-8601. */
  readonly startedAt: string;
  readonly answeredAt?: string;
  /** The DNs ringing for it now (routingTo legs and legs whose status is Ringing). */
  readonly ringing: ReadonlySet<string>;
  /** The PBX's startedAt / answeredAt as parsed this tick (undefined: absent or unreadable), for the next. */
  readonly pbxStartedMs?: number;
  readonly pbxAnsweredMs?: number;
}

/** Everything one poll saw. Maps are keyed by callID text, extension number, queue number. */
export interface Snapshot {
  /** When the snapshot was taken (ms since the epoch, our clock). */
  readonly at: number;
  readonly calls: ReadonlyMap<string, TrackedCall>;
  readonly extensions: ReadonlyMap<string, ExtState>;
  readonly queues: ReadonlyMap<string, ReadonlyMap<string, QueueMember>>;
}

/** Fields every call event carries, whichever source produced it. */
export interface CallEventBase {
  readonly source: "poll" | "webhook" | "v20";
  /** The 3CX call id (a number) when known; webhooks carry it inside `id` ("230115121143_9-1" → 9). */
  readonly callID: number | string | null;
  /** The webhook's string call id, when the event came from a webhook. */
  readonly id?: string;
  /** The call-chain GUID (v3 webhooks). */
  readonly chid?: string;
  /** The calling party's number (external caller inbound; the extension that dials outbound). */
  readonly callerid?: string;
  /** The internal DN concerned (the ringing, answering or ending extension / queue / IVR). */
  readonly user?: string;
  readonly did?: string;
  readonly direction?: "inbound" | "outbound";
  /** When we observed the event (ISO-8601). */
  readonly at: string;
  /** Polling: the call as `pbx.callsinfo.get` reported it. */
  readonly call?: CallInfo;
  /** Webhooks: the fields as received (keys lower-cased; the token removed). */
  readonly webhook?: Readonly<Record<string, unknown>>;
}

export interface CallStarted extends CallEventBase { readonly startedAt?: string }
export interface CallRinging extends CallEventBase { readonly dnNum?: string; readonly usertype?: string }
export interface CallAnswered extends CallEventBase { readonly answeredAt?: string; readonly trtype?: string }
export interface CallEnded extends CallEventBase {
  /** Seconds from start to end (null when no source tells). */
  readonly duration: number | null;
  /** Seconds from answer to end; 0 when it was never answered (null when unknown). */
  readonly talkTime: number | null;
  readonly missed: boolean;
  readonly startedAt?: string;
  readonly answeredAt?: string;
  readonly endedAt: string;
  readonly finishtype?: string;
  /** Webhooks: whether the call was transferred (the generator's "True"/"False"). */
  readonly transferred?: boolean;
}
export interface CallRecording extends CallEventBase { readonly files: readonly string[] }
export interface CallAi extends CallEventBase {
  readonly summary?: string;
  readonly transcription?: string;
  /** `sentiment_score` as a number when it is one, else as received. */
  readonly sentiment?: number | string;
}
export interface ExtensionStatus {
  readonly num: string;
  readonly previous: ExtState;
  readonly current: ExtState;
  /** Which of status, fwdName, registered, qGlobalStatus, qStatus changed. */
  readonly changed: readonly string[];
  readonly at: string;
}
export interface QueueAgent {
  readonly queue: string;
  readonly num: string;
  readonly loggedIn: boolean;
  readonly name?: string;
  readonly lastname?: string;
  readonly at: string;
}
export interface PbxDown { readonly reason: string; readonly code: string; readonly since: string }
export interface PbxUp {
  /** Seconds the PBX did not answer. */
  readonly downtime: number;
  readonly downtimeMs: number;
  readonly since: string;
  readonly at: string;
}
export interface SnapshotEvent {
  readonly source: "poll" | "webhook";
  readonly at: string;
  readonly calls: readonly unknown[];
  readonly extensions: Readonly<Record<string, ExtState>>;
  readonly queues: Readonly<Record<string, readonly QueueMember[]>>;
  /** Today's queue figures, when the monitor's statistics are on. */
  readonly queueStats?: QueueStatsPayload;
}

/** A webhook whose event has no name above: its fields as sent, keys lower-cased (never the token). */
export interface WebhookEvent {
  readonly source: "webhook";
  /** The event name as sent (trimmed). */
  readonly event: string;
  readonly at: string;
  readonly [field: string]: unknown;
}

export type MonitorEvent =
  | { readonly topic: "call.started"; readonly payload: CallStarted }
  | { readonly topic: "call.ringing"; readonly payload: CallRinging }
  | { readonly topic: "call.answered"; readonly payload: CallAnswered }
  | { readonly topic: "call.ended"; readonly payload: CallEnded }
  | { readonly topic: "call.recording"; readonly payload: CallRecording }
  | { readonly topic: "call.ai"; readonly payload: CallAi }
  | { readonly topic: "extension.status"; readonly payload: ExtensionStatus }
  | { readonly topic: "queue.agent"; readonly payload: QueueAgent }
  | { readonly topic: "pbx.down"; readonly payload: PbxDown }
  | { readonly topic: "pbx.up"; readonly payload: PbxUp }
  | { readonly topic: "webhook.event"; readonly payload: WebhookEvent }
  | { readonly topic: "snapshot"; readonly payload: SnapshotEvent }
  | { readonly topic: "queue.stats"; readonly payload: QueueStatsPayload };
