/**
 * The in-memory PBX as XAPI entities (v20.md §4, SW 20.0.10 field names). The simulator's own
 * reading of the reference: it shares no table with the client's mapping, so a test of one
 * against the other means something. Ids are stable per number for the simulator's lifetime.
 */
import type { Contact, Extension, Queue, RingGroup } from "../pbx/model";
import type { PbxState } from "../pbx/state";

export type Entity = Record<string, unknown>;

/** Stable numeric Ids per kind and key. */
export class IdBook {
  private readonly ids = new Map<string, number>();
  private next = 1;

  id(kind: string, key: string): number {
    const k = `${kind}\n${key}`;
    let id = this.ids.get(k);
    if (id === undefined) this.ids.set(k, (id = this.next++));
    return id;
  }

  /** The key of an Id of `kind`, if one was handed out. */
  key(kind: string, id: number): string | undefined {
    for (const [k, v] of this.ids) if (v === id && k.startsWith(`${kind}\n`)) return k.slice(kind.length + 1);
    return undefined;
  }
}

/** Pbx.ProfileType names ↔ the WebAPI's forwarding profile names (the simulator's own table). */
export const PROFILES: ReadonlyArray<readonly [xapi: string, webapi: string]> = [
  ["Available", "Available"], ["Away", "Away"], ["OutOfOffice", "Out of office"],
  ["Available2", "Custom 1"], ["OutOfOffice2", "Custom 2"],
];
export const profileName = (fwdName: string): string => PROFILES.find(([, w]) => w === fwdName)?.[0] ?? fwdName;
export const fwdName = (profile: string): string | undefined => PROFILES.find(([x]) => x === profile)?.[1];

/** Pbx.PollingStrategyType in order of the WebAPI's numbers 0, 1, 3, 4 … 13 (v20.md §8). */
const STRATEGIES: ReadonlyArray<readonly [number, string]> = [
  [0, "Hunt"], [1, "RingAll"], [3, "HuntRandomStart"], [4, "NextAgent"], [5, "LongestWaiting"], [6, "LeastTalkTime"],
  [7, "FewestAnswered"], [8, "HuntBy3s"], [9, "First3Available"], [10, "SkillBasedRouting_RingAll"],
  [11, "SkillBasedRouting_HuntRandomStart"], [12, "SkillBasedRouting_RoundRobin"], [13, "SkillBasedRouting_FewestAnswered"],
];
const strategy = (n: number): string => STRATEGIES.find(([k]) => k === n)?.[1] ?? "Hunt";

export function user(pbx: PbxState, ids: IdBook, e: Extension): Entity {
  return {
    Id: ids.id("user", e.num), Number: e.num, FirstName: e.name, LastName: e.lastname,
    DisplayName: [e.name, e.lastname].filter((s) => s).join(" "), EmailAddress: e.email, Mobile: e.mobile,
    CurrentProfileName: profileName(e.fwdName), IsRegistered: e.devices.length > 0,
    QueueStatus: e.qGlobalStatus ? "LoggedIn" : "LoggedOut", Enabled: e.enabled, Internal: !e.externalCalls,
    RecordCalls: e.recordType !== "Off", RecordExternalCallsOnly: e.recordType === "External",
    Groups: [...pbx.extGroups].filter(([, m]) => m.includes(e.num)).map(([name]) => ({ GroupId: ids.id("group", name), Name: name })),
  };
}

const member = (pbx: PbxState, ids: IdBook, num: string): Entity => {
  const e = pbx.extensions.get(num);
  return { Id: ids.id("user", num), Number: num, Name: e ? [e.name, e.lastname].filter((s) => s).join(" ") : "", Tags: [] };
};

export function queue(pbx: PbxState, ids: IdBook, q: Queue): Entity {
  return {
    Id: ids.id("queue", q.num), Number: q.num, Name: q.name, PollingStrategy: strategy(q.settings.pollingstrategy),
    RingTimeout: q.settings.ringtimeout, MasterTimeout: q.settings.mastertimeout,
    Agents: q.agents.map((a) => ({ ...member(pbx, ids, a.num), SkillGroup: "1" })),
    Managers: q.managers.map((m) => member(pbx, ids, m)),
  };
}

export function ringGroup(pbx: PbxState, ids: IdBook, g: RingGroup): Entity {
  return { Id: ids.id("ringgroup", g.num), Number: g.num, Name: g.name, RingStrategy: "RingAll", Members: g.members.map((m) => member(pbx, ids, m)) };
}

/** XAPI Contact fields ← the stored (contact.get) names (the simulator's own table). */
export const CONTACT_FIELDS: ReadonlyArray<readonly [xapi: string, stored: keyof Contact]> = [
  ["FirstName", "name"], ["LastName", "lastName"], ["CompanyName", "company"], ["PhoneNumber", "phone"],
  ["Mobile2", "data0"], ["Home", "data1"], ["Business", "data3"], ["Business2", "data4"], ["Email", "data5"],
  ["Other", "data6"], ["BusinessFax", "data7"], ["Pager", "data9"], ["Tag", "tag"],
];

export function contact(c: Contact): Entity {
  const out: Entity = { Id: c.id };
  for (const [x, s] of CONTACT_FIELDS) out[x] = c[s];
  return { ...out, Department: "", Title: "", ContactType: "3CX" };
}

/** "02.05.2031 20:32:11" (the WebAPI's licence text) → ISO 8601 UTC. */
export function isoFromWebapi(text: string): string {
  const m = /^(\d\d)\.(\d\d)\.(\d{4}) (\d\d):(\d\d):(\d\d)$/.exec(text);
  return m ? `${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}Z` : "";
}
