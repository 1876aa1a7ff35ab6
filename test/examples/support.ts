/**
 * Test support for the example flows: each example file is loaded as it is into a real Node-RED
 * runtime (the test helper, with the core nodes it uses and ours), its config node pointed at a
 * simulator on 127.0.0.1 with the simulator's key as the credential. Inject nodes are triggered
 * with receive(), debug nodes are listened to, http-in routes are served by a real HTTP server in
 * front of `RED.httpNode` (the helper's own server serves only the admin app).
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Node } from "node-red";
import assert from "node:assert/strict";
import type { HomeNode } from "../../src/catalog";
import { typesFor } from "../../src/operations/field-types";
import { fieldProp, offersOf, typeProp } from "../../src/operations/offers";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper, nodeModule, NODE_RED_PKG } from "../support/nodered";
import { REPO_ROOT } from "../support/red-process";

export const EXAMPLES_DIR = path.join(REPO_ROOT, "examples");

/** Every node type of the palette (the config node is in every example anyway). */
export const PALETTE_TYPES = ["3cx-call", "3cx-ext", "3cx-queue", "3cx-contact", "3cx-pbx", "3cx-monitor"] as const;

const ACTION_HOMES: Readonly<Record<string, HomeNode>> = {
  "3cx-call": "call", "3cx-ext": "ext", "3cx-queue": "queue", "3cx-contact": "contact", "3cx-pbx": "pbx",
};

/**
 * What is wrong with an example's action nodes, in words (none: []): each uses `configId`, a method
 * of its node, fields for that method's parameters only with a type the field offers, and every
 * required field filled (the editor marks a blank one red: an imported example must not be).
 */
export function actionNodeProblems(nodes: readonly ExampleNode[], configId: string): string[] {
  const problems: string[] = [];
  for (const n of nodes.filter((x) => x.type in ACTION_HOMES)) {
    const name = String(n.name || n.id);
    if (n.server !== configId) problems.push(`${name}: server ${String(n.server)}`);
    const offer = offersOf(ACTION_HOMES[n.type]).find((o) => o.name === n.method);
    if (!offer) {
      problems.push(`${name}: method ${String(n.method)} is not one of ${n.type}'s`);
      continue;
    }
    const params = new Map(offer.view.params.map((p) => [p.name, p]));
    for (const key of Object.keys(n).filter((k) => k.startsWith("p_") && !k.endsWith("Type"))) {
      const param = params.get(key.slice(2));
      if (!param) problems.push(`${name}: ${key} is not a parameter of ${offer.name}`);
      else if (!typesFor(param).includes(String(n[typeProp(param.name)]))) problems.push(`${name}: ${key} type ${String(n[typeProp(param.name)])}`);
    }
    for (const p of offer.view.params.filter((x) => x.required)) {
      if (String(n[fieldProp(p.name)] ?? "") === "") problems.push(`${name}: required ${p.name} is blank`);
    }
  }
  return problems;
}

/** Core node types an example may use, with the file of the core package that registers each. */
export const CORE_FILES: Readonly<Record<string, string>> = {
  inject: "common/20-inject.js",
  debug: "common/21-debug.js",
  comment: "common/90-comment.js",
  catch: "common/25-catch.js",
  function: "function/10-function.js",
  switch: "function/10-switch.js",
  change: "function/15-change.js",
  template: "function/80-template.js",
  trigger: "function/89-trigger.js",
  rbe: "function/rbe.js",
  split: "sequence/17-split.js",
  "http in": "network/21-httpin.js",
  "http response": "network/21-httpin.js",
  "http request": "network/21-httprequest.js",
  file: "storage/10-file.js",
};

export interface ExampleNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  wires?: string[][];
  [k: string]: unknown;
}

export type Msg = Record<string, unknown>;
type NodeModule = (RED: Record<string, unknown>) => unknown;
type TestNode = Node & NodeJS.EventEmitter;

export function exampleLabels(): string[] {
  return fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

/** The FlowFuse Dashboard 2.0 examples (examples/dashboard/, a sub-menu in the editor). */
export const DASHBOARD_DIR = path.join(EXAMPLES_DIR, "dashboard");

export function dashboardLabels(): string[] {
  return fs.readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

export function readDashboardExample(label: string): ExampleNode[] {
  return JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, `${label}.json`), "utf8")) as ExampleNode[];
}

export function readExample(label: string): ExampleNode[] {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${label}.json`), "utf8")) as ExampleNode[];
}

/** The @node-red/nodes package of the Node-RED under test (node-red-5 has its own copy). */
const CORE_DIR = path.join(
  path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [path.dirname(require.resolve(`${NODE_RED_PKG}/red.js`))] })),
  "core",
);

function coreModule(type: string): NodeModule {
  const file = CORE_FILES[type];
  if (!file) throw new Error(`example uses node type "${type}", which is not a core node these tests know`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(CORE_DIR, file)) as NodeModule;
}

// --- RED.httpNode behind a real server ------------------------------------------------------

let httpNode: http.RequestListener | undefined;
let server: http.Server | undefined;

/** A pseudo node module that only remembers the runtime's HTTP app of the current load. */
const captureHttpNode: NodeModule = (RED) => {
  httpNode = RED.httpNode as http.RequestListener;
};

async function httpUrl(): Promise<string> {
  if (!server) {
    server = http.createServer((req, res) => {
      if (httpNode) httpNode(req, res);
      else res.writeHead(503).end();
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  }
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function stopHttp(): Promise<void> {
  const s = server;
  server = undefined;
  httpNode = undefined;
  if (s) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
}

// --- one loaded example ---------------------------------------------------------------------

export interface LoadOptions {
  /** Change nodes before loading (e.g. a shorter poll interval); the file itself is not touched. */
  patch?: (node: ExampleNode) => void;
  /** "v20": the config node on the simulator's V20 API (Client ID and API key) instead of the WebAPI. */
  api?: "webapi" | "v20";
}

export class LoadedExample {
  /** Messages each debug node received, by the debug node's name. */
  readonly debug = new Map<string, Msg[]>();
  /** Errors reported by any node (node.error), with the reporting node's name. */
  readonly errors: string[] = [];

  constructor(readonly label: string, readonly nodes: readonly ExampleNode[], readonly url: string) {
    for (const n of nodes) {
      if (!n.z) continue;
      const live = helper.getNode(n.id) as TestNode | null;
      if (!live) throw new Error(`${label}: node ${n.type} "${n.name ?? n.id}" did not start`);
      live.on("call:error", (call: { args: unknown[] }) => this.errors.push(`${n.type} "${n.name ?? ""}": ${String(call.args[0])}`));
      if (n.type === "debug") {
        const list: Msg[] = [];
        this.debug.set(String(n.name), list);
        live.on("input", (msg: Msg) => list.push(msg));
      }
    }
  }

  /** The example's node of this name (names are unique within an example). */
  node(name: string): ExampleNode {
    const found = this.nodes.filter((n) => n.name === name);
    if (found.length !== 1) throw new Error(`${this.label}: expected one node named "${name}", found ${found.length}`);
    return found[0];
  }

  /** Clicks an inject node's button (what POST /inject/:id does in the editor). */
  inject(name: string): void {
    const n = this.node(name);
    if (n.type !== "inject") throw new Error(`${name} is a ${n.type}, not an inject node`);
    (helper.getNode(n.id) as TestNode).receive({});
  }

  messages(debugName: string): Msg[] {
    const list = this.debug.get(debugName);
    if (!list) throw new Error(`${this.label}: no debug node named "${debugName}"`);
    return list;
  }

  payloads(debugName: string): unknown[] {
    return this.messages(debugName).map((m) => m.payload);
  }
}

/**
 * Loads an example into the helper's runtime: its tab added, its config node pointed at the
 * simulator (fqdn only) and given the simulator's key as the credential.
 */
export async function loadExample(label: string, sim: Simulator, opts: LoadOptions = {}): Promise<LoadedExample> {
  const nodes = readExample(label);
  const tabs = [...new Set(nodes.map((n) => n.z).filter((z): z is string => typeof z === "string"))];
  const credentials: Record<string, Record<string, string>> = {};
  for (const n of nodes) {
    if (n.type === "3cx-config") {
      n.fqdn = sim.httpUrl;
      credentials[n.id] = { accessKey: opts.api === "v20" ? sim.v20.apiKey : sim.accessKey };
      if (opts.api === "v20") Object.assign(n, { api: "v20", clientId: sim.v20.clientId });
    }
    opts.patch?.(n);
  }
  const types = new Set(nodes.map((n) => n.type));
  const modules: NodeModule[] = [captureHttpNode];
  const seen = new Set<NodeModule>();
  for (const t of types) {
    const m = t.startsWith("3cx-") ? (nodeModule(t) as NodeModule) : coreModule(t);
    if (!seen.has(m)) modules.push(m);
    seen.add(m);
  }
  const flow = [...tabs.map((id) => ({ id, type: "tab", label })), ...nodes];
  await helper.load(modules, flow, credentials);
  return new LoadedExample(label, nodes, await httpUrl());
}

/**
 * Mocha hooks for a suite of examples: the helper's server and one simulator (short calls) for the
 * suite, a fresh PBX before each test; after a passing test no node may have reported an error
 * (a test that expects one empties `errors`), then the flow is unloaded.
 */
export function useExamples(): {
  readonly sim: Simulator;
  load(label: string, opts?: LoadOptions): Promise<LoadedExample>;
  /** Unloads the current example within a test (to load another); its errors must be checked first. */
  unloadExample(): Promise<void>;
} {
  let sim: Simulator | undefined;
  let current: LoadedExample | undefined;
  const theSim = (): Simulator => {
    if (!sim) throw new Error("the simulator starts in the suite's before hook");
    return sim;
  };
  before(async () => {
    await helper.startServer();
    sim = await startSimulator({ httpsPort: false, callTiming: { ringMs: 100, talkMs: 200 } });
  });
  after(async () => {
    await stopHttp();
    await sim?.close();
    await helper.stopServer();
  });
  beforeEach(async () => {
    await theSim().reset();
    theSim().webhooks.target = null;
  });
  afterEach(async function () {
    const errors = current?.errors ?? [];
    current = undefined;
    await helper.unload();
    if (this.currentTest?.state === "passed") assert.deepEqual(errors, [], "no node reported an error");
  });
  return {
    get sim() {
      return theSim();
    },
    async load(label, opts) {
      current = await loadExample(label, theSim(), opts);
      return current;
    },
    async unloadExample() {
      current = undefined;
      await helper.unload();
    },
  };
}
