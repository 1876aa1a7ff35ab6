/**
 * The PBX the simulator starts with. It is shaped so that every example request of the vendor's
 * 2.1.9 method list (the seed) gets the seed's example answer, field by field. Where the seed
 * contradicts itself the contradiction is kept in one documented place (see LIVE_SNAPSHOT and the
 * queue member flags) instead of being "fixed". Each call returns fresh objects.
 */
import type {
  Contact, Extension, Ivr, LicenseInfo, Line, Queue, QueueSettings, RingGroup,
} from "./model";

export interface SeedData {
  license: LicenseInfo;
  extensions: Extension[];
  queues: Queue[];
  ringGroups: RingGroup[];
  extGroups: Array<{ name: string; members: string[] }>;
  ivrs: Ivr[];
  lines: Line[];
  contacts: Contact[];
}

const ext = (
  num: string, name: string, lastname: string, extra: Partial<Extension> = {},
): Extension => ({
  num, name, lastname,
  email: `${name.toLowerCase()}.${lastname.toLowerCase()}@example.com`,
  mobile: "", enabled: true, externalCalls: true, recordType: "Off",
  fwdName: "Available", statusMessage: "", qGlobalStatus: true,
  queueLogin: {}, devices: [], settings: {},
  ...extra,
});

const device = (num: string, userAgent: string, port: number, rinstance: string) =>
  ({ userAgent, contact: `sip:${num}@127.0.0.1:${port};rinstance=${rinstance}` });

export const DEFAULT_QUEUE_SETTINGS: Readonly<QueueSettings> = {
  pollingstrategy: 3, mastertimeout: 300, ringtimeout: 30, enableintro: false,
  introfile: "", announcequeueposition: false, announcementinterval: 30,
};

const contact = (id: number, name: string, lastName: string, company: string, numbers: Partial<Contact>): Contact => ({
  id, name, lastName, company, crmContactData: "", tag: "",
  phone: "", data0: "", data1: "", data2: "", data3: "", data4: "",
  data5: "", data6: "", data7: "", data8: "", data9: "",
  ...numbers,
});

/** The 3.0.8 license object (reference §1.1), in its key order: callRecords gone, sql and ai new. */
export const LICENSE_3_0_8 = {
  product: "3CX REST API", version: "3.0.8 20.1", release: "Webhooks", licenseExpire: "14.10.2033 21:32:17",
  clientLicensesNum: "999", concurrentCalls: 32, sql: true, api: true, ai: true, quality: false,
} as const;

/**
 * Where the seed's write examples contradict its own lists: they write to queues 807 and 813,
 * extension 300 and contact 5, which the lists lack, and create extension 100, which exists. A
 * strict simulator acknowledges exactly these like the seed shows (changing nothing), so every seed
 * example still gets the seed's answer; any other unknown number is a 404 (an existing one 409).
 */
export const SEED_EXCEPTIONS: ReadonlySet<string> = new Set(["queue 807", "queue 813", "extension 300", "contact 5", "create extension 100"]);

export function seedData(): SeedData {
  return {
    license: {
      product: "3CX REST API", version: "2.1.9", release: "Webhooks",
      licenseExpire: "02.05.2031 20:32:11", clientLicensesNum: "50", concurrentCalls: 16,
      callRecords: true, api: true, quality: false,
    },
    // all.ext.get order; 100-102 have devices (= all.registered.get).
    extensions: [
      ext("100", "Anna", "Novak", {
        queueLogin: { "820": true }, devices: [device("100", "Yealink SIP-T46U 66.86.0.15", 5060, "8c1f0e2a9b7d4c31")],
      }),
      ext("101", "Peter", "Brown", {
        queueLogin: { "820": true }, devices: [device("101", "3CX Desktop App", 5070, "41d2a7c0e95b6f18")],
      }),
      ext("102", "Tom", "Smith", {
        email: "info@creomate.com", recordType: "External",
        // The agent's own view: logged out of 802 (queue.members.get 802 says otherwise, see queues).
        queueLogin: { "802": false, "804": true },
        devices: [
          device("102", "3CX Mobile Client", 5483, "5a6cb7ecb40359bf"),
          device("102", "3CX WebRTC proxy", 5063, "b206569d67c8dd02"),
        ],
      }),
      ext("103", "Maria", "Garcia", { queueLogin: { "804": false } }),
      ext("104", "Alex", "Mulder", { queueLogin: { "802": false } }),
      ext("105", "Lena", "Fischer", { queueLogin: { "820": false } }),
      ext("106", "Omar", "Haddad"),
      ext("520", "Front", "Desk"),
      ext("521", "Service", "Desk"),
      // In DND, so ring group 803 has two free members (group.free.get).
      ext("522", "Night", "Desk", { fwdName: "Out of office" }),
    ],
    // all.queue.get order.
    queues: [
      {
        num: "820", name: "Sales", settings: { ...DEFAULT_QUEUE_SETTINGS },
        agents: [{ num: "100", loggedIn: true }, { num: "101", loggedIn: true }, { num: "105", loggedIn: false }],
        managers: ["105"],
      },
      {
        num: "802", name: "Support", settings: { ...DEFAULT_QUEUE_SETTINGS, pollingstrategy: 1 },
        // Seed contradiction kept here: the queue's record says 102 is logged in, 102's own
        // qStatus says logged out. The first login write for 102 brings both views in line.
        agents: [{ num: "102", loggedIn: true }, { num: "104", loggedIn: false }],
        managers: ["105"],
      },
      {
        num: "804", name: "Billing", settings: { ...DEFAULT_QUEUE_SETTINGS },
        agents: [{ num: "102", loggedIn: true }, { num: "103", loggedIn: false }],
        managers: [],
      },
    ],
    ringGroups: [
      { num: "945", name: "Reception", members: ["100", "101"] },
      { num: "803", name: "Service desk", members: ["520", "521", "522"] },
    ],
    extGroups: [
      { name: "__DEFAULT__", members: ["101", "102", "520"] },
      { name: "Company0", members: ["100", "101", "102", "103", "104", "105", "106"] },
      { name: "Sales", members: ["100", "105"] },
      { name: "___FAVORITES___000", members: ["102"] },
    ],
    ivrs: [
      { num: "HOL", name: "Holiday" }, { num: "777", name: "Main menu" }, { num: "QCB", name: "Queue callback" },
      { num: "800", name: "Reception menu" }, { num: "801", name: "Support menu" }, { num: "805", name: "After hours" },
    ],
    // all.line.get order.
    lines: [
      { num: "90000", name: "WebRTC gateway", didName: "DID WebRTC", did: "420223009000" },
      { num: "10002", name: "SIP trunk C", didName: "DID Branch", did: "420223003092" },
      { num: "10000", name: "SIP trunk A", didName: "DID Main", did: "420223003090" },
      { num: "10001", name: "SIP trunk B", didName: "DID Sales", did: "420223003091" },
    ],
    // Ids 1-4, 6, 7: contact.new takes the lowest free id (5); 6 and 7 end with 997 (contact.find).
    contacts: [
      contact(1, "John", "Doe", "Doe Consulting", { phone: "420774852529", data5: "john.doe@example.com" }),
      contact(2, "Jane", "Roe", "Roe Ltd", { data3: "420223001001", data5: "jane@roe.example" }),
      contact(3, "Max", "Mustermann", "Muster GmbH", { data1: "493012345678" }),
      contact(4, "FirstName", "LastName", "Company", {
        phone: "Mobile", data0: "Mobile2", data1: "Home", data2: "Home2", data3: "Business", data4: "Business2",
        data5: "Email", data6: "Other", data7: "Businessfax", data8: "Homefax", data9: "Pager",
      }),
      contact(6, "Karel", "Dvorak", "Dvorak s.r.o.", { data3: "420222000997" }),
      contact(7, "Eva", "Svobodova", "", { phone: "420774000997" }),
    ],
  };
}

/**
 * The seed's live-call answers, which disagree with each other: pbx.calls.get says 5, pbx.ac.get
 * lists calls 46874 and 46883, pbx.callsinfo.get lists 46874 and 46864, and queue.talk.get 802
 * shows 102 talking while 102 is Free. The live views serve this snapshot verbatim until the first
 * change to calls; from then on they are computed from the calls in `callsInfo`, which are the
 * simulator's real starting calls (so a poller sees no jump for them).
 */
export function liveSnapshot() {
  const leg = (dnNum: string, externalParty: string) =>
    ({ dnNum, dnType: "extension", externalParty, status: "Connected" as const });
  return {
    callCount: 5,
    ac: {
      count: 2,
      AConnByCallID: [
        { callID: 46874, direction: "Internal", did: "", AConnList: [leg("1739", "1674"), leg("1674", "1739")] },
        { callID: 46883, direction: "Internal", did: "", AConnList: [leg("1283", "1126"), leg("1126", "1283")] },
      ],
    },
    callsInfo: [
      {
        callID: 46874, startedAt: "2022-12-29T08:37:16Z", answeredAt: "2022-12-29T08:37:23Z",
        owner: leg("1739", "1674"), talkTo: [leg("1674", "1739")],
      },
      {
        callID: 46864, startedAt: "2022-12-29T08:23:58Z", answeredAt: "2022-12-29T08:24:01Z",
        owner: leg("1126", "1283"), talkTo: [leg("1283", "1126")],
      },
    ],
    /** queue.talk.get while the snapshot is served. */
    queueTalking: { "802": ["102"] } as Record<string, string[]>,
  };
}

/** Call ids of new calls continue after the seed's. */
export const FIRST_NEW_CALL_ID = 46900;
