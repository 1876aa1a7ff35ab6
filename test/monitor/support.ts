/**
 * Test support for the monitor node: a real Node-RED runtime (test helper) with the real config
 * node, a monitor "mon" wired to a helper "out", the simulator on 127.0.0.1, and a real HTTP server
 * in front of the runtime's `RED.httpNode` (the helper's own server does not serve it).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Node } from "node-red";
import { PollEngine, countRoutes, type HttpApp } from "../../src/monitor";
import { helper, nodeModule } from "../support/nodered";

export type TestNode = Node & Record<string, unknown>;
export interface Msg {
  topic: string;
  payload: Record<string, unknown>;
  [k: string]: unknown;
}
export interface Status {
  fill?: string;
  shape?: string;
  text?: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not met within ${ms} ms`);
    await sleep(10);
  }
}

type NodeModule = (RED: Record<string, unknown>) => unknown;

/** The runtime's HTTP app for nodes, captured when the monitor module registers. */
let httpNode: HttpApp | undefined;
let server: http.Server | undefined;
let serverUrl = "";

export const monitorModule: NodeModule = (RED) => {
  httpNode = RED.httpNode as HttpApp;
  return (nodeModule("3cx-monitor") as NodeModule)(RED);
};

/** A real HTTP server on 127.0.0.1 serving RED.httpNode (started on first use). */
export async function nodeUrl(): Promise<string> {
  if (!server) {
    const s = http.createServer((req, res) => {
      if (!httpNode) {
        res.statusCode = 503;
        res.end();
        return;
      }
      (httpNode as unknown as http.RequestListener)(req, res);
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    server = s;
    serverUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }
  return serverUrl;
}

export async function stopNodeServer(): Promise<void> {
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
}

export function routeCount(path: string): number {
  return httpNode ? countRoutes(httpNode, path) : 0;
}

/** Poll engines running (with subscribers) in this process: one per PBX that has poll monitors. */
export function activePollers(): number {
  return PollEngine.active;
}

export interface MonitorFlowOptions {
  /** Properties of the monitor node. */
  props?: Record<string, unknown>;
  /** The config node's fqdn (the simulator's URL); omit for a webhook-only flow without one. */
  fqdn?: string;
  accessKey?: string;
  token?: string;
  timeout?: number;
}

export function monitorFlow(opts: MonitorFlowOptions): Array<Record<string, unknown>> {
  return [
    { id: "f1", type: "tab", label: "monitor" },
    ...(opts.fqdn ? [{ id: "cfg", type: "3cx-config", name: "pbx", fqdn: opts.fqdn, timeout: opts.timeout ?? 2000, maxConcurrent: 4 }] : []),
    { id: "mon", z: "f1", type: "3cx-monitor", name: "", ...(opts.fqdn ? { server: "cfg" } : {}), ...opts.props, wires: [["out"]] },
    { id: "out", z: "f1", type: "helper" },
  ];
}

export function monitorCredentials(opts: MonitorFlowOptions): Record<string, Record<string, string>> {
  return {
    ...(opts.accessKey !== undefined ? { cfg: { accessKey: opts.accessKey } } : {}),
    ...(opts.token !== undefined ? { mon: { token: opts.token } } : {}),
  };
}

export async function loadMonitor(opts: MonitorFlowOptions): Promise<MonitorProbe> {
  const modules = opts.fqdn ? [nodeModule("3cx-config"), monitorModule] : [monitorModule];
  await helper.load(modules, monitorFlow(opts), monitorCredentials(opts));
  return new MonitorProbe();
}

/** Replaces the flows as a deploy does (the old nodes are closed, new ones started). */
export async function redeploy(opts: MonitorFlowOptions): Promise<MonitorProbe> {
  await (helper as unknown as { setFlows(f: unknown[], type: string, creds: unknown): Promise<void> }).setFlows(monitorFlow(opts), "full", monitorCredentials(opts));
  return new MonitorProbe();
}

/** Everything the monitor node said: output messages, statuses, warnings, errors. */
export class MonitorProbe {
  readonly node = helper.getNode("mon") as TestNode;
  readonly out = helper.getNode("out") as TestNode;
  readonly msgs: Msg[] = [];
  readonly statuses: Status[] = [];
  readonly warnings: string[] = [];
  readonly errors: unknown[] = [];

  constructor() {
    (this.out as unknown as NodeJS.EventEmitter).on("input", (m: Msg) => this.msgs.push(m));
    const events = this.node as unknown as NodeJS.EventEmitter;
    events.on("call:status", (call: { args: [Status] }) => this.statuses.push(call.args[0]));
    events.on("call:warn", (call: { args: unknown[] }) => this.warnings.push(String(call.args[0])));
    events.on("call:error", (call: { args: unknown[] }) => this.errors.push(call.args[0]));
  }

  topics(): string[] {
    return this.msgs.map((m) => m.topic);
  }

  of(topic: string): Msg[] {
    return this.msgs.filter((m) => m.topic === topic);
  }

  /** Sends a message in; resolves with the next output message that has `topic`. */
  ask(topic = "snapshot", ms = 5000): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const out = this.out as unknown as NodeJS.EventEmitter;
      const timer = setTimeout(() => { out.removeListener("input", on); reject(new Error(`no ${topic} within ${ms} ms`)); }, ms);
      const on = (m: Msg): void => {
        if (m.topic !== topic) return;
        clearTimeout(timer);
        out.removeListener("input", on);
        resolve(m);
      };
      out.on("input", on);
      this.node.receive({ payload: "now" });
    });
  }
}
