/**
 * The entities of the simulated PBX. Field names follow the WebAPI's answers where an answer shows
 * them (reference §1); everything else is ours.
 */

export interface Device {
  readonly userAgent: string;
  /** Full SIP contact, as ext.devices.get reports it. */
  readonly contact: string;
}

export interface Extension {
  num: string;
  name: string;
  lastname: string;
  email: string;
  mobile: string;
  enabled: boolean;
  externalCalls: boolean;
  recordType: string;
  /** Current forwarding profile ("Available", "Away", "Out of office", "Custom 1", "Custom 2", …). */
  fwdName: string;
  /** Custom status message set with ext.fwd.set (no read method shows it; /_sim/state does). */
  statusMessage: string;
  /** Global queue login. */
  qGlobalStatus: boolean;
  /** The agent's own per-queue login flags, as ext.state.get `qStatus` shows them. */
  queueLogin: Record<string, boolean>;
  devices: Device[];
  /** Other ext.update fields (authid, vmpin, …): stored so /_sim/state shows them. */
  settings: Record<string, string>;
}

export interface QueueMember {
  num: string;
  /** The queue's view of the agent's login (queue.members.get `loggedIn`). */
  loggedIn: boolean;
}

export interface QueueSettings {
  pollingstrategy: number;
  mastertimeout: number;
  ringtimeout: number;
  enableintro: boolean;
  introfile: string;
  announcequeueposition: boolean;
  announcementinterval: number;
}

export interface Queue {
  num: string;
  name: string;
  settings: QueueSettings;
  agents: QueueMember[];
  managers: string[];
}

export interface RingGroup {
  num: string;
  name: string;
  members: string[];
}

export interface Ivr {
  num: string;
  name: string;
}

/** An external line (trunk) with the DID rule its inbound calls arrive on. */
export interface Line {
  num: string;
  name: string;
  /** DID rule name (webhook `did` in the v3 format). */
  didName: string;
  /** DID number (webhook `inbound_did`). */
  did: string;
}

/** contact.new/update field names; contact.get answers them under the same names except first/last name. */
export const CONTACT_NUMBER_FIELDS = [
  "phone", "data0", "data1", "data2", "data3", "data4", "data6", "data7", "data8", "data9",
] as const;
export const CONTACT_DATA_FIELDS = [
  "phone", "data0", "data1", "data2", "data3", "data4", "data5", "data6", "data7", "data8", "data9",
] as const;
export type ContactDataField = (typeof CONTACT_DATA_FIELDS)[number];

export type Contact = {
  id: number;
  name: string;
  lastName: string;
  company: string;
  crmContactData: string;
  tag: string;
} & Record<ContactDataField, string>;

export interface LicenseInfo {
  product: string;
  version: string;
  release: string;
  licenseExpire: string;
  clientLicensesNum: string;
  concurrentCalls: number;
  callRecords: boolean;
  api: boolean;
  quality: boolean;
}

// --- live calls --------------------------------------------------------------------------------

/** 3CX ConnectionStatus names (reference §2.1). */
export type LegStatus = "Dialing" | "Ringing" | "Connected" | "Hold" | "Held";

/** One participant of a call: the shape of an `AConnList` item and of callsinfo's owner/talkTo/routingTo. */
export interface Leg {
  dnNum: string;
  dnType: string;
  externalParty: string;
  status: LegStatus;
}

/** Only "Internal" is documented; Inbound/Outbound are our guess (reference §2.1). */
export type CallDirection = "Inbound" | "Outbound" | "Internal";

export interface Call {
  callID: number;
  direction: CallDirection;
  /** DID number for inbound calls, "" otherwise (the `did` of pbx.ac.get / callsinfo). */
  did: string;
  state: "Ringing" | "Talking";
  startedAt: Date;
  answeredAt?: Date;
  owner: Leg;
  talkTo: Leg[];
  routingTo: Leg[];
  /** Facts the webhook generator needs. */
  meta: CallMeta;
}

export interface CallMeta {
  /** The external (or other-side) number: webhook `callerid`. */
  party: string;
  /** The internal DN the call was for (queue, IVR, extension): `user` of a missed call. */
  target: string;
  targetType: string;
  /** The extension that is or was talking (webhook `user` after pickup). */
  agent?: string;
  line?: Line;
  transferred: boolean;
  trtype: "NotDef" | "Blind" | "Accomp";
  /** Who started it: seed data, a makecall, an inbound call (scenario or control API). */
  origin: "seed" | "makecall" | "inbound" | "scenario";
}
