/**
 * Shared parts of the reliability suite: the distinctive secrets and their scan, an
 * unhandled-rejection counter, a Node-RED flow of several action/monitor nodes with one probe that
 * records everything they emit, and small waits. Fault servers live in fronts.ts, certificates in
 * certs.ts.
 */
import { inspect } from "node:util";
import { helper, nodeModule, NODE_RED_PKG } from "../support/nodered";

/** A key that needs URL-encoding, so every encoded form is scanned too. */
export const KEY = "Rel7-K3y+Only/Here=Zq";
export const TOKEN = "Tok9-Hook+Secret/x=Wp";

/** The secret as written, URL-encoded (upper and lower hex), and base64. */
export function secretForms(...secrets: string[]): string[] {
  return secrets.flatMap((s) => {
    const enc = encodeURIComponent(s);
    return [s, enc, enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), Buffer.from(s).toString("base64")];
  });
}

/** Which of `forms` occur in `text`. */
export function leaks(text: string, forms: readonly string[]): string[] {
  return forms.filter((f) => text.includes(f));
}

/** Everything a value shows: JSON (errors with their stack and own props) and util.inspect. */
export function dump(v: unknown): string {
  const seen = new WeakSet<object>();
  const json = JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === "bigint") return String(x);
    if (typeof x !== "object" || x === null) return x;
    if (seen.has(x)) return "[circular]";
    seen.add(x);
    return x instanceof Error ? { ...x, message: x.message, stack: x.stack } : x;
  });
  return `${json ?? ""}\n${inspect(v, { depth: 8, showHidden: true })}`;
}

/** Counts unhandled rejections for the whole suite it is used in. */
export function useRejectionCounter(): { readonly count: number; readonly reasons: string[] } {
  const state = { count: 0, reasons: [] as string[] };
  const on = (reason: unknown): void => {
    state.count++;
    state.reasons.push(String(reason instanceof Error ? reason.stack : reason).slice(0, 300));
  };
  before(() => { process.on("unhandledRejection", on); });
  after(() => { process.off("unhandledRejection", on); });
  return state;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** Node-RED's core tls-config node, from the Node-RED under test. */
export function tlsConfigModule(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve("@node-red/nodes/core/network/05-tls.js", { paths: [require.resolve(`${NODE_RED_PKG}/package.json`)] }));
}

export type Msg = Record<string, unknown>;
export interface Status { fill?: string; shape?: string; text?: string }
export interface CaughtError { message: string; code?: string; source?: { id?: string } }
/** How one message ended. */
export type Outcome = { ok: true; msg: Msg; at: number } | { ok: false; error: CaughtError; msg: Msg; at: number };

export interface NodeSpec {
  id: string;
  type: string;
  props?: Record<string, unknown>;
}

export interface FlowSpec {
  fqdn: string;
  accessKey?: string;
  timeout?: number;
  maxConcurrent?: number;
  /** PEM CA bundle for a tls-config node (cadata). */
  ca?: string;
  nodes: NodeSpec[];
  /** Monitor webhook token by node id. */
  tokens?: Record<string, string>;
}

/** Config node "cfg" (+ tls "tls"), each node wired to a helper "out-<id>", one Catch for all, one Status for all. */
export function buildFlow(spec: FlowSpec): { flow: Array<Record<string, unknown>>; creds: Record<string, Record<string, string>> } {
  const flow: Array<Record<string, unknown>> = [
    { id: "f1", type: "tab", label: "reliability" },
    {
      id: "cfg", type: "3cx-config", name: "pbx", fqdn: spec.fqdn, timeout: spec.timeout ?? 2000, maxConcurrent: spec.maxConcurrent ?? 4,
      ...(spec.ca ? { tls: "tls" } : {}),
    },
    { id: "catcher", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
    { id: "statuses", z: "f1", type: "status", scope: null, wires: [["status-out"]] },
    { id: "status-out", z: "f1", type: "helper" },
  ];
  if (spec.ca) flow.push({ id: "tls", type: "tls-config", name: "", cert: "", key: "", ca: "", verifyservercert: true });
  for (const n of spec.nodes) {
    flow.push({ id: n.id, z: "f1", type: n.type, name: "", server: "cfg", ...(n.type === "3cx-monitor" ? {} : { method: "" }), ...n.props, wires: [[`out-${n.id}`]] });
    flow.push({ id: `out-${n.id}`, z: "f1", type: "helper" });
  }
  const creds: Record<string, Record<string, string>> = { cfg: { accessKey: spec.accessKey ?? KEY } };
  if (spec.ca) creds.tls = { cadata: spec.ca };
  for (const [id, token] of Object.entries(spec.tokens ?? {})) creds[id] = { token };
  return { flow, creds };
}

type Emitter = NodeJS.EventEmitter;
const emitter = (n: unknown): Emitter => n as Emitter;

/**
 * Loads the flow. `spies: false` takes the helper's sinon spies off Node.prototype again: they keep
 * every call's arguments (every msg sent), which a load test would measure instead of the package.
 * Statuses, warnings and errors are then not recorded; outputs and Catch messages still are.
 */
export async function loadFlow(spec: FlowSpec, opts: { spies?: boolean } = {}): Promise<Probe> {
  const { flow, creds } = buildFlow(spec);
  const types = new Set(spec.nodes.map((n) => n.type));
  const modules = [nodeModule("3cx-config"), ...[...types].map((t) => nodeModule(t))];
  if (spec.ca) modules.push(tlsConfigModule());
  await helper.load(modules, flow, creds);
  if (opts.spies === false) {
    const h = helper as unknown as { _sandbox: { restore(): void }; _NodePrototype: { send: unknown } };
    h._sandbox.restore();
    // A wired node keeps its own copy of send (Node#updateWires), still the spy: put the real one back.
    for (const n of flow) {
      const node = helper.getNode(String(n.id)) as unknown as { send?: { callCount?: number } } | null;
      if (node && Object.prototype.hasOwnProperty.call(node, "send") && node.send?.callCount !== undefined) node.send = h._NodePrototype.send as never;
    }
  }
  return new Probe(spec.nodes.map((n) => n.id));
}

let seq = 0;

/** Everything the nodes of one flow emit, and a way to send a message and wait for its end. */
export class Probe {
  readonly outputs = new Map<string, Msg[]>();
  readonly caught: Msg[] = [];
  readonly statuses: Status[] = [];
  readonly statusMsgs: Msg[] = [];
  readonly warnings: unknown[] = [];
  readonly errors: unknown[] = [];
  private readonly waiting = new Map<string, (o: Outcome) => void>();

  constructor(readonly ids: readonly string[]) {
    for (const id of ids) {
      this.outputs.set(id, []);
      const node = emitter(helper.getNode(id));
      node.on("call:status", (c: { args: [Status] }) => this.statuses.push(c.args[0]));
      node.on("call:warn", (c: { args: unknown[] }) => this.warnings.push(c.args[0]));
      node.on("call:error", (c: { args: unknown[] }) => this.errors.push(c.args[0]));
      emitter(helper.getNode(`out-${id}`)).on("input", (m: Msg) => {
        this.outputs.get(id)?.push(m);
        this.settle(m, { ok: true, msg: m, at: Date.now() });
      });
    }
    emitter(helper.getNode("caught")).on("input", (m: Msg) => {
      this.caught.push(m);
      this.settle(m, { ok: false, error: m.error as CaughtError, msg: m, at: Date.now() });
    });
    emitter(helper.getNode("status-out")).on("input", (m: Msg) => this.statusMsgs.push(m));
  }

  private settle(m: Msg, o: Outcome): void {
    const id = typeof m._msgid === "string" ? m._msgid : "";
    const w = this.waiting.get(id);
    if (w) {
      this.waiting.delete(id);
      w(o);
    }
  }

  /** Sends msg into node `id`; resolves with its output or its Catch message (rejects after `ms`). */
  send(id: string, msg: Msg, ms = 15000): Promise<Outcome> {
    const msgid = `rel-${++seq}`;
    return new Promise<Outcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(msgid);
        reject(new Error(`message to ${id} did not end within ${ms} ms`));
      }, ms);
      this.waiting.set(msgid, (o) => {
        clearTimeout(timer);
        resolve(o);
      });
      helper.getNode(id).receive({ ...msg, _msgid: msgid } as never);
    });
  }

  /** Fire and forget (the outcome is recorded in outputs / caught). */
  push(id: string, msg: Msg): string {
    const msgid = `rel-${++seq}`;
    helper.getNode(id).receive({ ...msg, _msgid: msgid } as never);
    return msgid;
  }

  /** Every Node-RED log call so far (any level: the helper spies on log.log itself). */
  static logText(): string {
    const spy = helper.log() as unknown as { getCalls(): Array<{ args: unknown[] }> } | undefined;
    return spy ? spy.getCalls().map((c) => dump(c.args)).join("\n") : "";
  }

  /** All the probe saw, as text to scan. */
  allText(): string {
    return [dump([...this.outputs.values()]), dump(this.caught), dump(this.statuses), dump(this.statusMsgs), dump(this.warnings), dump(this.errors), Probe.logText()].join("\n");
  }
}

export { helper };
