/**
 * The V20 Call Control API's entities as the PBX sends them (reference v20.md §2–§3: snake_case
 * fields, the WebSocket's `{sequence, event:{event_type, entity, attached_data}}` envelope). Only
 * what the monitor reads is typed; every other field of a participant is kept as received.
 */

/** A participant: one leg of a call at a monitored DN. */
export interface Participant {
  readonly id: number;
  readonly dn: string;
  /** `Dialing`, `Ringing`, `Connected` (documented); anything else is kept as sent. */
  readonly status: string;
  /** Absent when the PBX sent none: such a participant is a call of its own. */
  readonly callid?: number | string;
  readonly legid?: number | string;
  readonly party_caller_name?: string;
  readonly party_dn?: string;
  readonly party_caller_id?: string;
  readonly party_did?: string;
  readonly party_dn_type?: string;
  readonly device_id?: string;
  readonly direct_control?: boolean;
  readonly [k: string]: unknown;
}

/** A registered device of a DN. */
export interface Device {
  readonly dn: string;
  readonly device_id: string;
  readonly user_agent?: string;
  readonly [k: string]: unknown;
}

/** One item of `GET /callcontrol`: a monitored DN with its devices and participants now. */
export interface DnInfo {
  readonly dn: string;
  readonly type?: string;
  readonly devices: readonly Device[];
  readonly participants: readonly Participant[];
}

/** `event_type` on the socket: 0 Upsert, 1 Remove, 2 DTMF, 3 prompt playback finished, 4 response. */
export type WsEventType = "upsert" | "remove" | "dtmf" | "other";

/** One message of the Call Control WebSocket, read. */
export interface WsEvent {
  readonly sequence?: number;
  readonly type: WsEventType;
  /** The entity's path, e.g. `/callcontrol/101/participants/7`. */
  readonly entity: string;
  readonly attachedData: unknown;
}

/** An entity path, read: which DN, which kind of entity, which id (decoded). */
export interface EntityPath {
  readonly dn: string;
  readonly kind: "participants" | "devices";
  readonly id: string;
}
