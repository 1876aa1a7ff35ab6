/**
 * The WebAPI catalog: every method of the vendor's 2.1.9 list (our seed) plus the 3.x `makecall`
 * parameters `contact` and `timeout`. Adding a method is one entry here.
 */
import type { AnswerSpec, EnumValue, MethodSpec, ParamSpec, ValueKind } from "./types";

// --- reusable parameter shapes --------------------------------------------------------------

const ext = (name: string, required: boolean, hint: string): ParamSpec =>
  ({ name, required, type: "string", pick: "extension", hint, maxLength: 64 });
const queueNum = (required: boolean, hint = "Queue number"): ParamSpec =>
  ({ name: "num", required, type: "string", pick: "queue", hint, maxLength: 64 });
const text = (name: string, required: boolean, hint: string, maxLength = 1024): ParamSpec =>
  ({ name, required, type: "string", hint, maxLength });
const flag01 = (name: string, hint: string): ParamSpec =>
  ({ name, required: false, type: "boolean", encoding: "01", hint });
const onOff = (name: string, required: boolean, hint: string): ParamSpec =>
  ({ name, required, type: "boolean", encoding: "onoff", hint });
const seconds = (name: string, hint: string): ParamSpec =>
  ({ name, required: false, type: "number", min: 0, max: 86400, hint });
const choice = (name: string, hint: string, values: readonly EnumValue[]): ParamSpec =>
  ({ name, required: false, type: "enum", values, hint });

/** 3CX PollingStrategyType: there is no value 2. */
const POLLING_STRATEGIES: readonly EnumValue[] = [
  { value: "0", label: "Hunt" },
  { value: "1", label: "Ring all" },
  { value: "3", label: "Hunt random start (default)" },
  { value: "4", label: "Next agent" },
  { value: "5", label: "Longest waiting" },
  { value: "6", label: "Least talk time" },
  { value: "7", label: "Fewest answered" },
  { value: "8", label: "Hunt by 3's" },
  { value: "9", label: "First 3 available" },
  { value: "10", label: "Skill-based: ring all" },
  { value: "11", label: "Skill-based: hunt random start" },
  { value: "12", label: "Skill-based: round robin" },
  { value: "13", label: "Skill-based: fewest answered" },
];

/** 3CX forwarding profile names; the vocabulary ext.fwd.set accepts is undocumented, so open. */
export const FORWARDING_PROFILES: readonly EnumValue[] = [
  { value: "Available", label: "Available" },
  { value: "Away", label: "Away" },
  { value: "Out of office", label: "Out of office (DND)" },
  { value: "Custom 1", label: "Custom 1 (Lunch)" },
  { value: "Custom 2", label: "Custom 2 (Business trip)" },
];

const queueSettings = (isNew: boolean, nameRequired: boolean): readonly ParamSpec[] => [
  isNew ? { ...queueNum(true, "Number of the new queue"), creates: true } : queueNum(true, "Queue to change"),
  text("name", nameRequired, "Queue name", 128),
  choice("pollingstrategy", "How calls are distributed to agents", POLLING_STRATEGIES),
  seconds("mastertimeout", "Maximum time a caller waits in the queue (seconds)"),
  seconds("ringtimeout", "How long an agent's phone rings (seconds)"),
  flag01("enableintro", "Play an intro prompt"),
  text("introfile", false, "Intro prompt file name, e.g. onhold.wav", 256),
  flag01("announcequeueposition", "Announce the caller's position"),
  seconds("announcementinterval", "Seconds between announcements"),
];

const contactFields: readonly ParamSpec[] = [
  text("firstname", false, "First name", 256),
  text("lastname", false, "Last name", 256),
  text("company", false, "Company", 256),
  text("phone", false, "Mobile", 64),
  text("data0", false, "Mobile 2", 64),
  text("data1", false, "Home", 64),
  text("data2", false, "Home 2", 64),
  text("data3", false, "Business", 64),
  text("data4", false, "Business 2", 64),
  text("data5", false, "E-mail", 256),
  text("data6", false, "Other", 256),
  text("data7", false, "Business fax", 64),
  text("data8", false, "Home fax", 64),
  text("data9", false, "Pager", 64),
];

const contactId = (hint: string): ParamSpec =>
  ({ name: "id", required: true, type: "number", min: 0, hint });

// --- answer contracts (SPEC §4), from the seed's example answers -------------------------------

/** A read: the seed answer's keys, and those the nodes read (lists, states, the license). */
const reads = (keys: readonly string[], relied: Readonly<Record<string, ValueKind>> = {}): AnswerSpec => ({ keys, relied });
const NUMS = reads(["nums"], { nums: "list" });
const MEMBERS = reads(["count", "members"], { members: "list" });
/** `{"result": true}` */
const RESULT_TRUE: AnswerSpec = { keys: ["result"], relied: {}, success: [{ by: "result-true" }] };
/** A confirmation text, e.g. `{"result": "Delete queue"}`. */
const confirms = (text: string): AnswerSpec => ({ keys: ["result"], relied: {}, success: [{ by: "text", text }] });

// --- the methods ------------------------------------------------------------------------------

export const METHODS: readonly MethodSpec[] = [
  // 3cx-call: call control and live calls
  {
    name: "makecall", path: "makecall", node: "call", kind: "write", group: "Call control",
    label: "Make a call", description: "Rings `first`, then connects it to `second`.",
    params: [
      text("first", true, "Extension (or IVR, queue, CFD) that is called first", 64),
      text("second", true, "Number to connect to, internal or external", 64),
      text("contact", false, "Device of `first` to use (WebAPI 3.x)", 512),
      { name: "timeout", required: false, type: "number", min: 0, max: 600000, hint: "Wait for the answer, in ms (WebAPI 3.x)" },
    ],
    answer: { keys: ["first", "second"], relied: {}, success: [{ by: "keys", keys: ["first", "second"] }, { by: "keys", keys: ["chid"] }, { by: "final-status" }] },
  },
  {
    name: "drop", path: "drop", node: "call", kind: "write", group: "Call control",
    label: "Hang up a call", description: "Drops the call of an extension.",
    params: [
      ext("num", true, "Extension whose call to drop"),
      text("contact", false, "Device contact (from ext.devices.get)", 512),
      text("external", false, "External number, to choose which call", 64),
    ],
    answer: confirms("Drop"),
  },
  {
    name: "answer", path: "answer", node: "call", kind: "write", group: "Call control",
    label: "Answer a ringing call", description: "Answers the ringing call on an extension's device.",
    params: [ext("num", true, "Extension that is ringing"), text("contact", false, "Device contact (from ext.devices.get)", 512)],
    answer: confirms("Answer"),
  },
  {
    name: "transfer", path: "transfer", node: "call", kind: "write", group: "Call control",
    label: "Transfer a call", description: "Transfers an extension's call to another number.",
    params: [
      ext("num", true, "Extension whose call to transfer"),
      text("contact", false, "Device contact (from ext.devices.get)", 512),
      text("dest", true, "Destination number", 64),
    ],
    answer: confirms("Transfer"),
  },
  {
    name: "join", path: "join", node: "call", kind: "write", group: "Call control",
    label: "Join a call", description: "Joins the extension's call.",
    params: [ext("num", true, "Extension")],
    answer: confirms("Join"),
  },
  {
    name: "pbx.calls.get", path: "pbx.calls.get", node: "call", kind: "read", group: "Live calls",
    label: "Count active calls", description: "Number of calls in progress: { result }.", params: [],
    answer: reads(["result"], { result: "value" }),
  },
  {
    name: "pbx.ac.get", path: "pbx.ac.get", node: "call", kind: "read", group: "Live calls",
    label: "List active connections", description: "Active calls with their legs: { count, AConnByCallID }.", params: [],
    answer: reads(["count", "AConnByCallID"], { AConnByCallID: "list" }),
  },
  {
    name: "pbx.callsinfo.get", path: "pbx.callsinfo.get", node: "call", kind: "read", group: "Live calls",
    label: "List active calls with times", description: "Active calls with state, start and answer times: { count, callsInfo }.", params: [],
    answer: reads(["count", "callsInfo"], { callsInfo: "list" }),
  },

  // 3cx-ext: extensions
  {
    name: "all.ext.get", path: "all.ext.get", node: "ext", kind: "read", group: "Directory",
    label: "List extensions", description: "Every extension number: { nums }.", params: [],
    answer: NUMS,
  },
  {
    name: "all.registered.get", path: "all.registered.get", node: "ext", kind: "read", group: "Directory",
    label: "List registered extensions", description: "Extensions with a registered device: { nums }.", params: [],
    answer: NUMS,
  },
  {
    name: "ext.info.get", path: "ext.info.get", node: "ext", kind: "read", group: "Extension",
    label: "Get extension details", description: "Name, e-mail, mobile, enabled, recording of an extension.",
    params: [ext("num", true, "Extension number")],
    answer: reads(["num", "name", "lastname", "email", "mobile", "enabled", "externalCalls", "recordType"]),
  },
  {
    name: "ext.state.get", path: "ext.state.get", node: "ext", kind: "read", group: "Extension",
    label: "Get extension state", description: "Registration, call status, forwarding profile and queue logins.",
    params: [ext("num", true, "Extension number")],
    answer: reads(["num", "registered", "status", "fwdName", "qGlobalStatus", "qStatus"], { status: "value", fwdName: "value", registered: "value" }),
  },
  {
    name: "ext.devices.get", path: "ext.devices.get", node: "ext", kind: "read", group: "Extension",
    label: "List extension devices", description: "The extension's registered devices and their SIP contacts.",
    params: [ext("num", true, "Extension number")],
    answer: reads(["count", "devices"], { devices: "list" }),
  },
  {
    name: "ext.fwd.set", path: "ext.fwd.set", node: "ext", kind: "write", group: "Status",
    label: "Set forwarding profile", description: "Switches the extension's forwarding profile (status) and status message.",
    params: [
      ext("num", true, "Extension number"),
      { name: "status", required: false, type: "enum", values: FORWARDING_PROFILES, open: true, hint: "Forwarding profile to switch to" },
      text("message", false, "Custom status message", 256),
    ],
    answer: RESULT_TRUE,
  },
  {
    name: "ext.queueglobal.set", path: "ext.queueglobal.set", node: "ext", kind: "write", group: "Queue login",
    label: "Log agent into / out of all queues", description: "Global queue login (on) or logout (off).",
    params: [ext("num", true, "Agent extension"), onOff("log", true, "Logged in (on) or out (off)")],
    answer: RESULT_TRUE,
  },
  {
    name: "ext.queue.set", path: "ext.queue.set", node: "ext", kind: "write", group: "Queue login",
    label: "Log agent into / out of one queue", description: "Queue login (on) or logout (off) for one queue.",
    params: [
      ext("num", true, "Agent extension"),
      { name: "queue", required: true, type: "string", pick: "queue", hint: "Queue number", maxLength: 64 },
      onOff("log", true, "Logged in (on) or out (off)"),
    ],
    answer: RESULT_TRUE,
  },
  {
    name: "ext.options.set", path: "ext.options.set", node: "ext", kind: "write", group: "Settings",
    label: "Set extension options (legacy)", description: "Enables the extension, external calls and recording.",
    params: [
      ext("num", true, "Extension number"),
      onOff("enabled", false, "Extension enabled"),
      onOff("external", false, "External calls allowed"),
      { name: "recording", required: false, type: "enum", open: true, values: [{ value: "external", label: "External calls" }], hint: "Which calls to record" },
    ],
    answer: RESULT_TRUE,
  },
  {
    name: "ext.new", path: "ext.new", node: "ext", kind: "write", group: "Settings",
    label: "Create extension", description: "Creates an extension (3CX on Debian only; password complexity is not checked).",
    params: [{ ...ext("num", true, "Number of the new extension"), creates: true }],
    answer: confirms("Create extension"),
  },
  {
    name: "ext.del", path: "ext.del", node: "ext", kind: "write", group: "Settings",
    label: "Delete extension", description: "Deletes an extension.",
    params: [ext("num", true, "Extension to delete")],
    answer: confirms("Delete extension"),
  },
  {
    name: "ext.update", path: "ext.update", node: "ext", kind: "write", group: "Settings",
    label: "Update extension", description: "Changes an extension's settings; blank fields are left as they are.",
    params: [
      ext("num", true, "Extension to change"),
      flag01("enabled", "Extension enabled"),
      text("firstname", false, "First name", 256),
      text("lastname", false, "Last name", 256),
      text("email", false, "E-mail address", 256),
      text("mobile", false, "Mobile number", 64),
      text("authid", false, "SIP authentication ID", 128),
      text("authpass", false, "SIP authentication password", 128),
      text("callerid", false, "Outbound caller ID", 64),
      flag01("deliveraudio", "Deliver audio through the PBX"),
      choice("recordcalls", "Record calls (order inferred)", [
        { value: "0", label: "Off" }, { value: "1", label: "All calls" }, { value: "2", label: "External calls only" },
      ]),
      text("sipid", false, "SIP ID", 128),
      flag01("reinvite", "Supports re-invite"),
      flag01("replaces", "Supports replaces"),
      choice("vmemail", "Voicemail e-mail", [
        { value: "0", label: "None" }, { value: "1", label: "Notification" },
        { value: "2", label: "Attachment" }, { value: "3", label: "Attachment and delete" },
      ]),
      flag01("vmenabled", "Voicemail enabled"),
      text("vmpin", false, "Voicemail PIN", 32),
      flag01("vmplaycallerid", "Voicemail plays the caller ID"),
      choice("vmplaydatetime", "Voicemail plays date and time", [
        { value: "0", label: "No" }, { value: "1", label: "12-hour" }, { value: "2", label: "24-hour" },
      ]),
      flag01("internal", "Internal calls only (block external calls)"),
      seconds("noanswertimeout", "Ring time before no-answer forwarding (seconds)"),
    ],
    answer: confirms("Update extension"),
  },

  // 3cx-queue: queues
  {
    name: "all.queue.get", path: "all.queue.get", node: "queue", kind: "read", group: "Directory",
    label: "List queues", description: "Every queue number: { nums }.", params: [],
    answer: NUMS,
  },
  {
    name: "queue.members.get", path: "queue.members.get", node: "queue", kind: "read", group: "Agents",
    label: "List queue agents", description: "The queue's agents with their login state.", params: [queueNum(true)],
    answer: MEMBERS,
  },
  {
    name: "queue.free.get", path: "queue.free.get", node: "queue", kind: "read", group: "Agents",
    label: "List free queue agents", description: "Agents of the queue who are free now.", params: [queueNum(true)],
    answer: MEMBERS,
  },
  {
    name: "queue.talk.get", path: "queue.talk.get", node: "queue", kind: "read", group: "Agents",
    label: "List talking queue agents", description: "Agents of the queue who are in a call now.", params: [queueNum(true)],
    answer: MEMBERS,
  },
  {
    name: "queue.isfree.get", path: "queue.isfree.get", node: "queue", kind: "read", group: "Agents",
    label: "Is an agent free?", description: "Whether the queue has an agent available: { result }.", params: [queueNum(true)],
    answer: reads(["result"], { result: "value" }),
  },
  {
    name: "queue.agents.set", path: "queue.agents.set", node: "queue", kind: "write", group: "Agents",
    label: "Set queue agents", description: "Replaces the queue's agent list.",
    params: [queueNum(true), { name: "members", required: true, type: "list", pick: "extension", hint: "Agent extensions, e.g. 101,103" }],
    answer: RESULT_TRUE,
  },
  {
    name: "queue.managers.set", path: "queue.managers.set", node: "queue", kind: "write", group: "Agents",
    label: "Set queue managers", description: "Replaces the queue's manager list.",
    params: [queueNum(true), { name: "managers", required: true, type: "list", pick: "extension", hint: "Manager extensions, e.g. 102,105" }],
    answer: RESULT_TRUE,
  },
  {
    name: "queue.new", path: "queue.new", node: "queue", kind: "write", group: "Settings",
    label: "Create queue", description: "Creates a queue.", params: queueSettings(true, true),
    answer: confirms("Create queue"),
  },
  {
    name: "queue.update", path: "queue.update", node: "queue", kind: "write", group: "Settings",
    label: "Update queue", description: "Changes a queue's settings; blank fields are left as they are.", params: queueSettings(false, false),
    answer: confirms("Update queue"),
  },
  {
    name: "queue.del", path: "queue.del", node: "queue", kind: "write", group: "Settings",
    label: "Delete queue", description: "Deletes a queue.", params: [queueNum(true, "Queue to delete")],
    answer: confirms("Delete queue"),
  },

  // 3cx-contact: company phonebook
  {
    name: "contact.find", path: "contact.find", node: "contact", kind: "read", group: "Phonebook",
    label: "Find contacts by number", description: "Ids of the entries matching a number (exact, then ends-with).",
    params: [text("num", true, "Phone number to look up", 64), { name: "min_len", required: false, type: "number", min: 0, max: 64, hint: "Minimum length of a matching tail" }],
    answer: reads(["id"], { id: "list" }),
  },
  {
    name: "contact.get", path: "contact.get", node: "contact", kind: "read", group: "Phonebook",
    label: "Get contact", description: "One phonebook entry.", params: [contactId("Contact id")],
    answer: reads(["name", "lastName", "company", "crmContactData", "tag", "phone", "data0", "data1", "data2", "data3", "data4", "data5", "data6", "data7", "data8", "data9"]),
  },
  {
    name: "contact.new", path: "contact.new", node: "contact", kind: "write", group: "Phonebook",
    label: "Create contact", description: "Adds a phonebook entry: { id }.", params: contactFields,
    answer: { keys: ["id"], relied: {}, success: [{ by: "keys", keys: ["id"] }] },
  },
  {
    name: "contact.update", path: "contact.update", node: "contact", kind: "write", group: "Phonebook",
    label: "Update contact", description: "Changes a phonebook entry.", params: [contactId("Contact id to change"), ...contactFields],
    answer: confirms("Update contact"),
  },
  {
    name: "contact.del", path: "contact.del", node: "contact", kind: "write", group: "Phonebook",
    label: "Delete contact", description: "Deletes a phonebook entry.", params: [contactId("Contact id to delete")],
    answer: confirms("Delete contact"),
  },

  // 3cx-pbx: directory and system
  {
    name: "info", path: "", node: "pbx", kind: "read", group: "System",
    label: "WebAPI license info", description: "Product, version, license expiry and concurrent calls.", params: [],
    answer: reads(["product", "version", "release", "licenseExpire", "clientLicensesNum", "concurrentCalls", "callRecords", "api", "quality"], { product: "value", version: "value" }),
  },
  {
    name: "all.line.get", path: "all.line.get", node: "pbx", kind: "read", group: "Directory",
    label: "List external lines", description: "Trunk numbers: { nums }.", params: [],
    answer: NUMS,
  },
  {
    name: "all.group.get", path: "all.group.get", node: "pbx", kind: "read", group: "Ring groups",
    label: "List ring groups", description: "Ring group numbers: { nums }.", params: [],
    answer: NUMS,
  },
  {
    name: "group.members.get", path: "group.members.get", node: "pbx", kind: "read", group: "Ring groups",
    label: "List ring group members", description: "Members of a ring group.",
    params: [{ name: "num", required: true, type: "string", pick: "group", hint: "Ring group number", maxLength: 64 }],
    answer: reads(["count", "members"], { members: "list" }),
  },
  {
    name: "group.free.get", path: "group.free.get", node: "pbx", kind: "read", group: "Ring groups",
    label: "List free ring group members", description: "Members of a ring group who are free now.",
    params: [{ name: "num", required: true, type: "string", pick: "group", hint: "Ring group number", maxLength: 64 }],
    answer: reads(["count", "members"], { members: "list" }),
  },
  {
    name: "group.members.set", path: "group.members.set", node: "pbx", kind: "write", group: "Ring groups",
    label: "Set ring group members", description: "Replaces a ring group's member list.",
    params: [
      { name: "num", required: true, type: "string", pick: "group", hint: "Ring group number", maxLength: 64 },
      { name: "members", required: true, type: "list", pick: "extension", hint: "Member extensions, e.g. 101,103" },
    ],
    answer: RESULT_TRUE,
  },
  {
    name: "all.ivr.get", path: "all.ivr.get", node: "pbx", kind: "read", group: "Directory",
    label: "List IVRs", description: "IVR (digital receptionist) numbers: { nums }.", params: [],
    answer: NUMS,
  },
  {
    name: "all.extgroup.get", path: "all.extgroup.get", node: "pbx", kind: "read", group: "Extension groups",
    label: "List extension groups", description: "Extension group names: { extGroups }.", params: [],
    answer: reads(["extGroups"], { extGroups: "list" }),
  },
  {
    name: "extgroup.members.get", path: "extgroup.members.get", node: "pbx", kind: "read", group: "Extension groups",
    label: "List extension group members", description: "Extensions in a group.",
    params: [{ name: "name", required: true, type: "string", pick: "extgroup", hint: "Group name, e.g. __DEFAULT__", maxLength: 256 }],
    answer: MEMBERS,
  },
  {
    name: "cfd.reset", path: "cfd.reset", node: "pbx", kind: "write", group: "System",
    label: "Reload CFD apps", description: "Resets Call Flow Designer scripts.",
    params: [{ name: "names", required: true, type: "list", hint: "CFD app names or numbers, e.g. 900,901" }],
    answer: confirms("CFD scripts have been reset"),
  },
  {
    name: "csv.reread", path: "csv.reread", node: "pbx", kind: "write", group: "System",
    label: "Reload CSV", description: "Re-reads the WebAPI's CSV file (Users.csv).", params: [],
    answer: confirms("Success"),
  },
];
