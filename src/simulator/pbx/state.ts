/**
 * The in-memory PBX: directory (extensions, queues, groups, IVRs, lines), phonebook and live calls.
 * The WebAPI handlers read and change it; tests and the control API may too. All answers are built
 * from this state, which starts as the seed (seed.ts).
 */
import { CallBook, type CallEvent, type CallTiming } from "./calls";
import type { Call, Contact, ContactDataField, Extension, Ivr, LicenseInfo, Line, Queue, QueueSettings, RingGroup } from "./model";
import { QueueLedger } from "./queue-ledger";
import { DEFAULT_QUEUE_SETTINGS, liveSnapshot, seedData } from "./seed";
import { Timers } from "../timers";

/** A queue.members.get item. */
export interface MemberView {
  num: string;
  name: string;
  lastname: string;
  loggedIn: boolean;
}

export interface InboundCallOptions {
  /** The caller's number. */
  from: string;
  /** The DN dialled: a queue, ring group, IVR or extension. */
  to: string;
  /** Line number the call arrives on (default: 10000, else the first line). */
  line?: string;
  /** false: nobody answers, the call is missed after ringMs. Default true. */
  answer?: boolean;
  timing?: Partial<CallTiming>;
}

/** Strategies that ring every free agent at once; the others ring one agent at a time. */
const RING_ALL_STRATEGIES = new Set([1, 9, 10]);
const DND_PROFILE = "Out of office";

export class PbxState {
  license!: LicenseInfo;
  readonly extensions = new Map<string, Extension>();
  readonly queues = new Map<string, Queue>();
  readonly ringGroups = new Map<string, RingGroup>();
  readonly extGroups = new Map<string, string[]>();
  ivrs: Ivr[] = [];
  lines: Line[] = [];
  readonly contacts = new Map<number, Contact>();
  readonly timers = new Timers();
  readonly calls: CallBook;
  /** Ground truth of today's queue calls (GET /_sim/queues). */
  readonly queueLedger = new QueueLedger(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  /** Ring and talk time of calls made with makecall (talkMs 0: until dropped). */
  callTiming: CallTiming;

  private readonly listeners = new Set<(e: CallEvent) => void>();

  constructor(opts: { callTiming?: Partial<CallTiming> } = {}) {
    this.callTiming = { ringMs: 2000, talkMs: 0, ...opts.callTiming };
    this.calls = new CallBook({
      timers: this.timers,
      dnType: (n) => this.dnType(n),
      outboundLine: () => this.defaultLine(),
      emit: (e) => {
        this.queueLedger.onCall(e);
        for (const l of this.listeners) l(e);
      },
    });
    this.reset();
  }

  /** Back to the seed: directory, phonebook, calls (and the seed snapshot); pending timers are cancelled. */
  reset(): void {
    this.timers.clearAll();
    const seed = seedData();
    this.license = seed.license;
    const fill = <K, V>(map: Map<K, V>, entries: Array<[K, V]>) => { map.clear(); for (const [k, v] of entries) map.set(k, v); };
    fill(this.extensions, seed.extensions.map((e) => [e.num, e]));
    fill(this.queues, seed.queues.map((q) => [q.num, q]));
    fill(this.ringGroups, seed.ringGroups.map((g) => [g.num, g]));
    fill(this.extGroups, seed.extGroups.map((g) => [g.name, g.members]));
    fill(this.contacts, seed.contacts.map((c) => [c.id, c]));
    this.ivrs = seed.ivrs;
    this.lines = seed.lines;
    this.calls.reset();
    this.queueLedger.reset();
  }

  /** Cancels every timer (calls ringing or talking stay as they are). */
  dispose(): void {
    this.timers.clearAll();
  }

  /** Subscribes to call events (ringing, answered, ended); returns the unsubscribe function. */
  onCall(listener: (e: CallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // --- directory -------------------------------------------------------------------------------

  dnType(num: string): string {
    if (this.extensions.has(num)) return "extension";
    if (this.queues.has(num)) return "queue";
    if (this.ringGroups.has(num)) return "ringgroup";
    if (this.ivrs.some((i) => i.num === num)) return "ivr";
    return "";
  }

  defaultLine(): Line {
    return this.lines.find((l) => l.num === "10000") ?? this.lines[0] ?? { num: "10000", name: "Line", didName: "", did: "" };
  }

  registered(): string[] {
    return [...this.extensions.values()].filter((e) => e.devices.length > 0).map((e) => e.num);
  }

  /** Free = enabled, not in a call, and not in the "Out of office" (DND) profile. */
  isFree(num: string): boolean {
    const e = this.extensions.get(num);
    return !!e && e.enabled && e.fwdName !== DND_PROFILE && this.calls.extensionStatus(num) === "Free";
  }

  extensionState(e: Extension) {
    return {
      num: e.num,
      registered: e.devices.length > 0,
      status: this.calls.extensionStatus(e.num),
      fwdName: e.fwdName,
      qGlobalStatus: e.qGlobalStatus,
      qStatus: [...this.queues.values()]
        .filter((q) => q.agents.some((a) => a.num === e.num))
        .map((q) => ({ num: q.num, status: e.queueLogin[q.num] ?? false })),
    };
  }

  createExtension(num: string): Extension {
    const e: Extension = {
      num, name: "", lastname: "", email: "", mobile: "", enabled: true, externalCalls: true, recordType: "Off",
      fwdName: "Available", statusMessage: "", qGlobalStatus: true, queueLogin: {}, devices: [], settings: {},
    };
    this.extensions.set(num, e);
    this.extGroups.get("__DEFAULT__")?.push(num);
    return e;
  }

  deleteExtension(num: string): void {
    this.extensions.delete(num);
    for (const q of this.queues.values()) {
      q.agents = q.agents.filter((a) => a.num !== num);
      q.managers = q.managers.filter((m) => m !== num);
    }
    for (const g of this.ringGroups.values()) g.members = g.members.filter((m) => m !== num);
    for (const [name, members] of this.extGroups) this.extGroups.set(name, members.filter((m) => m !== num));
  }

  // --- queue logins ----------------------------------------------------------------------------
  // Two views exist (the seed disagrees with itself): the agent's own flags (ext.state.get qStatus)
  // and the queue's member record (queue.members.get loggedIn). Every login write sets the member
  // record to the effective login: global login AND the per-queue flag.

  setQueueLogin(e: Extension, queue: string, on: boolean): void {
    e.queueLogin[queue] = on;
    this.syncMember(e, queue);
  }

  setGlobalQueueLogin(e: Extension, on: boolean): void {
    e.qGlobalStatus = on;
    for (const q of this.queues.values()) if (q.agents.some((a) => a.num === e.num)) this.syncMember(e, q.num);
  }

  private syncMember(e: Extension, queue: string): void {
    const member = this.queues.get(queue)?.agents.find((a) => a.num === e.num);
    if (member) member.loggedIn = e.qGlobalStatus && (e.queueLogin[queue] ?? false);
  }

  // --- queues ----------------------------------------------------------------------------------

  memberView(num: string, loggedIn: boolean): MemberView {
    const e = this.extensions.get(num);
    return { num, name: e?.name ?? "", lastname: e?.lastname ?? "", loggedIn };
  }

  queueMembers(q: Queue, which: "all" | "free" | "talking"): MemberView[] {
    let agents = q.agents;
    if (which === "free") agents = agents.filter((a) => a.loggedIn && this.isFree(a.num));
    if (which === "talking") {
      // While the seed snapshot is served, queue.talk.get answers the seed (102 talking in 802).
      const seeded = this.calls.snapshotActive ? liveSnapshot().queueTalking[q.num] : undefined;
      agents = agents.filter((a) => (seeded ? seeded.includes(a.num) : this.calls.extensionStatus(a.num) === "Talking"));
    }
    return agents.map((a) => this.memberView(a.num, a.loggedIn));
  }

  /** Replaces the agent list; agents already in it keep their login, new ones follow their own flags. */
  setQueueAgents(q: Queue, members: readonly string[]): void {
    q.agents = unique(members).map((num) => {
      const old = q.agents.find((a) => a.num === num);
      if (old) return old;
      const e = this.extensions.get(num);
      if (e && e.queueLogin[q.num] === undefined) e.queueLogin[q.num] = true;
      return { num, loggedIn: !!e && e.qGlobalStatus && e.queueLogin[q.num] === true };
    });
  }

  createQueue(num: string, name: string, settings: Partial<QueueSettings>): Queue {
    const q: Queue = { num, name, settings: { ...DEFAULT_QUEUE_SETTINGS, ...settings }, agents: [], managers: [] };
    this.queues.set(num, q);
    return q;
  }

  deleteQueue(num: string): void {
    this.queues.delete(num);
    for (const e of this.extensions.values()) delete e.queueLogin[num];
  }

  // --- phonebook -------------------------------------------------------------------------------

  /** Adds a contact under the lowest free id (so the seed's contact.new answers id 5). */
  addContact(fields: Partial<Record<"name" | "lastName" | "company" | ContactDataField, string>>): Contact {
    let id = 1;
    while (this.contacts.has(id)) id++;
    const c: Contact = {
      id, name: "", lastName: "", company: "", crmContactData: "", tag: "",
      phone: "", data0: "", data1: "", data2: "", data3: "", data4: "", data5: "", data6: "", data7: "", data8: "", data9: "",
      ...fields,
    };
    this.contacts.set(id, c);
    return c;
  }

  // --- calls -----------------------------------------------------------------------------------

  makeCall(first: string, second: string, timing: Partial<CallTiming> = {}): Call {
    return this.calls.makeCall(first, second, { ...this.callTiming, ...timing });
  }

  /** An inbound call from `from` to a queue, ring group, IVR or extension. */
  inboundCall(opts: InboundCallOptions): Call {
    const line = (opts.line && this.lines.find((l) => l.num === opts.line)) || this.defaultLine();
    return this.calls.inbound({
      from: opts.from, line, target: opts.to, ringing: this.whoRings(opts.to),
      autoAnswer: opts.answer ?? true, timing: { ...this.callTiming, ...opts.timing }, origin: "inbound",
    });
  }

  /** Extensions whose phones ring for a call to `to`. */
  whoRings(to: string): string[] {
    const q = this.queues.get(to);
    if (q) {
      const free = q.agents.filter((a) => a.loggedIn && this.isFree(a.num)).map((a) => a.num);
      return RING_ALL_STRATEGIES.has(q.settings.pollingstrategy) ? free : free.slice(0, 1);
    }
    const g = this.ringGroups.get(to);
    if (g) return g.members.filter((m) => this.isFree(m));
    return this.extensions.has(to) ? [to] : [];
  }

  /** Today's figures of every queue as the simulator itself counted them (logged-in agents only). */
  queueTruth() {
    return this.queueLedger.report([...this.queues.keys()], (num) => {
      const agents = (this.queues.get(num)?.agents ?? []).filter((a) => a.loggedIn);
      return {
        loggedIn: agents.length,
        free: agents.filter((a) => this.isFree(a.num)).length,
        talking: agents.filter((a) => this.calls.extensionStatus(a.num) === "Talking").length,
      };
    });
  }

  /** Everything, for GET /_sim/state (SIP passwords and voicemail PINs masked). */
  toJSON(): unknown {
    const mask = (s: Record<string, string>) =>
      Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === "authpass" || k === "vmpin" ? "***" : v]));
    return {
      license: this.license,
      extensions: [...this.extensions.values()].map((e) => ({ ...e, settings: mask(e.settings), state: this.extensionState(e) })),
      queues: [...this.queues.values()],
      ringGroups: [...this.ringGroups.values()],
      extGroups: Object.fromEntries(this.extGroups),
      ivrs: this.ivrs,
      lines: this.lines,
      contacts: [...this.contacts.values()],
      seedSnapshotActive: this.calls.snapshotActive,
      calls: this.calls.callsInfoView(),
    };
  }
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}
