/**
 * A real red.js for the reliability suite: started with the probe (red-probe.ts) preloaded, driven
 * through its admin API with one-shot connections (a kept-alive test connection would count as
 * a handle of Node-RED's own), plus a collector server that flows forward messages to.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { startSimulator, type Simulator } from "../../src/simulator";
import type { SimulatorOptions } from "../../src/simulator/types";
import { NODE_RED_PKG } from "../support/nodered";
import { REPO_ROOT, adminToken, freePort, startRed, type RedOptions, type RedProcess } from "../support/red-process";

export interface ProbeState {
  active: { total: number; timers: number; sockets: number; other: number; kinds: Record<string, number> };
  heapMb: number;
  pollers: number;
  routes: number;
}

export interface Answer {
  status: number;
  text: string;
  ms: number;
}

/** One request on its own connection (Connection: close). */
export function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method, agent: false,
      headers: { connection: "close", ...(data !== undefined ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(data)) } : {}), ...headers },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => { text += d; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - started }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(data);
  });
}

export interface RedWithProbe extends RedProcess {
  probe(route?: string): Promise<ProbeState>;
  /** POST /flows; resolves when Node-RED has stopped the old flows and started the new ones. */
  deploy(flows: unknown[], type: "full" | "nodes" | "flows", auth?: string): Promise<Answer>;
}

export async function startRedWithProbe(opts: RedOptions = {}): Promise<RedWithProbe> {
  const probePort = await freePort();
  const nodeRedDir = path.dirname(require.resolve(`${NODE_RED_PKG}/package.json`));
  const red = await startRed({
    ...opts,
    env: {
      ...opts.env,
      NODE_OPTIONS: `--require ${path.join(__dirname, "red-probe.js")}`,
      PROBE_PORT: String(probePort),
      PROBE_REPO: REPO_ROOT,
      PROBE_NODE_RED: nodeRedDir,
    },
  });
  return Object.assign(red, {
    async probe(route = "/"): Promise<ProbeState> {
      const a = await request("GET", `http://127.0.0.1:${probePort}/?route=${encodeURIComponent(route)}`);
      if (a.status !== 200) throw new Error(`probe: ${a.text}`);
      return JSON.parse(a.text) as ProbeState;
    },
    async deploy(flows: unknown[], type: "full" | "nodes" | "flows", auth?: string): Promise<Answer> {
      const a = await request("POST", `${red.url}/flows`, flows, { "node-red-deployment-type": type, ...(auth ? { authorization: auth } : {}) });
      if (a.status !== 200 && a.status !== 204) throw new Error(`deploy (${type}): HTTP ${a.status} ${a.text.slice(0, 300)}`);
      return a;
    },
  });
}

/** Collects what flows POST to it (an http request node pointed at `url`). */
export class Collector {
  readonly bodies: string[] = [];
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<Collector> {
    let self: Collector | undefined;
    const server = http.createServer((req, res) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (d: string) => { text += d; });
      req.on("end", () => {
        self?.bodies.push(text);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    self = new Collector(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`);
    return self;
  }

  /** An http request node posting msg.payload here. */
  node(id: string, z: string): Record<string, unknown> {
    return { id, z, type: "http request", name: "", method: "POST", ret: "txt", paytoqs: "ignore", url: this.url, tls: "", persist: false, proxy: "", authType: "", senderr: false, wires: [[]] };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** What a secrecy scan runs against: the simulator, a collector, a trace-level red.js with an admin. */
export interface SecrecyStack {
  readonly sim: Simulator;
  readonly red: RedWithProbe;
  readonly collector: Collector;
  /** The admin's Authorization header. */
  readonly admin: string;
}

/** Mocha hooks starting the stack once for the suite (read it in tests as `stack()`), stopped after. */
export function useSecrecyStack(simOpts: SimulatorOptions): () => SecrecyStack {
  let sim: Simulator | undefined;
  let red: RedWithProbe | undefined;
  let collector: Collector | undefined;
  let stack: SecrecyStack | undefined;
  before(async () => {
    sim = await startSimulator(simOpts);
    collector = await Collector.start();
    red = await startRedWithProbe({
      users: [{ username: "admin", password: "admin-pass", permissions: "*" }],
      settings: { logging: { console: { level: "trace", metrics: false, audit: true } } },
    });
    stack = { sim, red, collector, admin: `Bearer ${await adminToken(red.url, "admin", "admin-pass")}` };
  });
  after(async () => {
    await red?.stop();
    await collector?.close();
    await sim?.close();
  });
  return () => {
    if (!stack) throw new Error("the secrecy stack starts in the suite's before hook");
    return stack;
  };
}

/**
 * The scan's observers on tab `z`: every output wired to "wrap", and every error (Catch) and status
 * (Status) of the nodes in `scope`, goes whole to the collector (JSON) and to the log (debug to console).
 */
export function observerNodes(collector: Collector, z: string, scope: readonly string[]): Array<Record<string, unknown>> {
  const wrap = "msg.payload = { msg: RED.util.cloneMessage(msg) };\nreturn msg;";
  return [
    { id: "wrap", z, type: "function", name: "", func: wrap, outputs: 1, wires: [["fwd", "dbg"]] },
    collector.node("fwd", z),
    { id: "dbg", z, type: "debug", name: "", active: true, tosidebar: true, console: true, tostatus: false, complete: "true", targetType: "full", wires: [] },
    { id: "catch", z, type: "catch", name: "", scope: [...scope], uncaught: false, wires: [["wrap"]] },
    { id: "status", z, type: "status", name: "", scope: [...scope], wires: [["wrap"]] },
  ];
}
