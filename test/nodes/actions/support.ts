/**
 * Test support for the action nodes: a real Node-RED runtime (test helper) with the real config
 * node, one action node wired to a helper node, a Catch node and a Complete node, against the
 * simulator over HTTP on 127.0.0.1.
 */
import type { Node } from "node-red";
import { startSimulator, type Simulator } from "../../../src/simulator";
import { helper, nodeModule } from "../../support/nodered";

export type HomeType = "3cx-call" | "3cx-ext" | "3cx-queue" | "3cx-contact" | "3cx-pbx";
export const ACTION_TYPES: readonly HomeType[] = ["3cx-call", "3cx-ext", "3cx-queue", "3cx-contact", "3cx-pbx"];

export type TestNode = Node & Record<string, unknown>;
type Msg = Record<string, unknown>;

/** `strict`: the simulator's default; resolution tests send numbers it does not have, so they ask for lenient. */
export async function startSim(accessKey = "simulator-key", strict = true): Promise<Simulator> {
  return startSimulator({ httpsPort: false, accessKey, strict });
}

/**
 * Mocha hooks for a suite: the helper's server and one simulator for the suite, a fresh PBX before
 * each test, the flow unloaded after it. Tests read the simulator as `ctx.sim`.
 */
export function useSimulator(accessKey?: string, strict = true): { readonly sim: Simulator } {
  let current: Simulator | undefined;
  before(async () => {
    await helper.startServer();
    current = await startSim(accessKey, strict);
  });
  after(async () => {
    await current?.close();
    await helper.stopServer();
  });
  beforeEach(async () => {
    await current?.reset();
  });
  afterEach(async () => {
    await helper.unload();
  });
  return {
    get sim(): Simulator {
      if (!current) throw new Error("the simulator starts in the suite's before hook");
      return current;
    },
  };
}

export interface FlowOptions {
  /** Properties of the action node (method, p_<param>, p_<param>Type, …). */
  props?: Record<string, unknown>;
  timeout?: number;
  maxConcurrent?: number;
  /** Use this fqdn instead of the simulator's. */
  fqdn?: string;
  accessKey?: string;
  /** No server property (a node without a config node). */
  noServer?: boolean;
  /**
   * The config node's "Check numbers" (default here: off). These suites count the PBX's requests
   * one by one; the directory check adds list reads and has its own suite (not-found.test.ts).
   */
  checkNumbers?: boolean;
}

/** Loads config node + action node "n1" → helper "out"; Catch "catch" → "caught"; Complete "complete" → "completed". */
export async function loadAction(type: HomeType, sim: Simulator, opts: FlowOptions = {}): Promise<Flow> {
  const flow = [
    { id: "f1", type: "tab", label: "actions" },
    { id: "cfg", type: "3cx-config", name: "pbx", fqdn: opts.fqdn ?? sim.httpUrl, timeout: opts.timeout ?? 5000, maxConcurrent: opts.maxConcurrent ?? 4,
      checkNumbers: "checkNumbers" in opts ? opts.checkNumbers : false },
    { id: "n1", z: "f1", type, name: "", ...(opts.noServer ? {} : { server: "cfg" }), method: "", ...opts.props, wires: [["out"]] },
    { id: "out", z: "f1", type: "helper" },
    { id: "catcher", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
    { id: "completer", z: "f1", type: "complete", scope: ["n1"], wires: [["completed"]] },
    { id: "completed", z: "f1", type: "helper" },
  ];
  await helper.load([nodeModule("3cx-config"), nodeModule(type)], flow, { cfg: { accessKey: opts.accessKey ?? sim.accessKey } });
  return new Flow();
}

/** A node as the event emitter it is (@types/node-red types `on` for "input"/"close" handlers only). */
export const on = (node: TestNode): NodeJS.EventEmitter => node as unknown as NodeJS.EventEmitter;

export class Flow {
  readonly node = helper.getNode("n1") as TestNode;
  readonly out = helper.getNode("out") as TestNode;
  readonly caught = helper.getNode("caught") as TestNode;
  readonly completed = helper.getNode("completed") as TestNode;
  readonly statuses: Array<{ fill?: string; shape?: string; text?: string }> = [];
  readonly warnings: string[] = [];
  readonly errors: unknown[] = [];
  readonly #cfgWarnings: string[] = [];

  /** Warnings of the config node (the client's once-per-method warnings). */
  configWarnings(): string[] {
    return [...this.#cfgWarnings];
  }

  constructor() {
    const cfg = helper.getNode("cfg") as TestNode | null;
    if (cfg) on(cfg).on("call:warn", (call: { args: unknown[] }) => this.#cfgWarnings.push(String(call.args[0])));
    // The helper emits "call:<method>" with the sinon call of node.status / warn / error.
    const events = on(this.node);
    events.on("call:status", (call: { args: [{ fill?: string; shape?: string; text?: string }] }) => this.statuses.push(call.args[0]));
    events.on("call:warn", (call: { args: unknown[] }) => this.warnings.push(String(call.args[0])));
    events.on("call:error", (call: { args: unknown[] }) => this.errors.push(call.args[0]));
  }

  /** Sends msg; resolves with the output msg, or rejects with the Catch node's msg.error. */
  send(msg: Msg): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const cancelOut = this.#inbox(this.out).wait((m) => { cancelCaught(); resolve(m); });
      const cancelCaught = this.#inbox(this.caught).wait((m) => {
        cancelOut();
        const e = m.error as { message: string; code?: string };
        reject(Object.assign(new Error(e.message), { code: e.code, caughtMsg: m }));
      });
      this.node.receive(msg);
    });
  }

  /** The next message a helper node receives. */
  next(helperNode: TestNode): Promise<Msg> {
    return new Promise((resolve) => { this.#inbox(helperNode).wait(resolve); });
  }

  /**
   * One "input" listener per helper node for the flow's life, and waiters queued on it: Node-RED's
   * input listeners are not EventEmitter ones (`once` leaves a listener that removeListener cannot
   * find, and one removed while a message is delivered makes Node-RED skip the next), so a send that
   * ended at `out` broke a later one that ends at Catch.
   */
  #inbox(helperNode: TestNode): Inbox {
    let inbox = this.#inboxes.get(helperNode);
    if (!inbox) this.#inboxes.set(helperNode, (inbox = new Inbox(helperNode)));
    return inbox;
  }
  readonly #inboxes = new Map<TestNode, Inbox>();

  /** Sends msg and expects an error; resolves with the Catch node's msg.error ({ message, code }). */
  async fail(msg: Msg): Promise<{ message: string; code?: string }> {
    try {
      await this.send(msg);
    } catch (err) {
      return err as { message: string; code?: string };
    }
    throw new Error("expected an error, got an output message");
  }
}

/** Messages of one helper node, handed to whoever waits (a message nobody waits for is dropped). */
class Inbox {
  readonly #waiters = new Set<(m: Msg) => void>();
  constructor(helperNode: TestNode) {
    on(helperNode).on("input", (m: Msg) => {
      const [first] = this.#waiters;
      if (!first) return;
      this.#waiters.delete(first);
      first(m);
    });
  }
  /** Hands the next message to `take`; returns a function that withdraws the wait. */
  wait(take: (m: Msg) => void): () => void {
    this.#waiters.add(take);
    return () => this.#waiters.delete(take);
  }
}

/** Waits until `check` holds (polling), or throws after `ms`. */
export async function until(check: () => boolean, ms = 3000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The simulator's recorded requests for one method. */
export function requestsOf(sim: Simulator, method: string): Array<Record<string, string>> {
  return sim.requests.filter((r) => r.method === method).map((r) => r.params);
}

export { helper };
