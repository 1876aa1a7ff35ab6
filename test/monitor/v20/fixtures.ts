/** Builders for V20 Call Control entities in the wire's snake_case (reference v20.md §2), for unit tests. */
import type { Device, DnInfo, Participant } from "../../../src/monitor/v20";

export const T0 = Date.parse("2026-12-01T10:00:00Z");

export interface PartSpec {
  id: number;
  dn: string;
  status: "Dialing" | "Ringing" | "Connected" | string;
  callid?: number;
  party?: string;
  partyType?: string;
  did?: string;
  device?: string;
  name?: string;
}

/** A participant as `GET /callcontrol/{dn}/participants/{id}` answers it. */
export function part(s: PartSpec): Participant {
  return {
    id: s.id,
    status: s.status,
    dn: s.dn,
    party_caller_name: s.name ?? "",
    party_dn: s.party ?? "",
    party_caller_id: s.party ?? "",
    party_did: s.did ?? "",
    device_id: s.device ?? `sip:${s.dn}@127.0.0.1:5062`,
    party_dn_type: s.partyType ?? "Wextension",
    direct_control: false,
    originated_by_dn: "",
    originated_by_type: "None",
    referred_by_dn: "",
    referred_by_type: "None",
    on_behalf_of_dn: "",
    on_behalf_of_type: "None",
    ...(s.callid !== undefined ? { callid: s.callid, legid: 1 } : {}),
  };
}

/** An outside caller's leg at an extension (inbound, through a trunk). */
export function inbound(id: number, dn: string, callid: number, status: string, party = "+4930123456"): Participant {
  return part({ id, dn, callid, status, party, partyType: "Wexternalline", did: "+4930999000" });
}

export function device(dn: string, n = 1): Device {
  return { dn, device_id: `sip:${dn}@127.0.0.1:${5060 + n}`, user_agent: "Yealink SIP-T54W" };
}

export function dnInfo(dn: string, participants: Participant[] = [], devices: Device[] = [device(dn)]): DnInfo {
  return { dn, type: "Wextension", devices, participants };
}
