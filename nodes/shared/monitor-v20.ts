/**
 * `source: v20` of 3cx-monitor (SPEC §5): a subscriber of the config node's V20 event source (the
 * Call Control WebSocket, one per PBX). It emits the call events as they come, `extension.status`
 * for the watched extensions only, and answers an input with a `snapshot` of what the socket has
 * told. No polling: between calls it costs the PBX nothing.
 */
import type { Node, NodeMessage, NodeMessageInFlow, NodeStatus } from "node-red";
import { parseWatchList, type MonitorEvent, type PollClient } from "../../src/monitor";
import type { SocketState } from "../../src/monitor/v20";
import { configProblem } from "./config-problems";
import type { MonitorExtras } from "./monitor-extras";
import type { ThreeCxConfigNode } from "./types";
import { v20EventsOf } from "./v20-events";

export interface V20MonitorCtx {
  readonly node: Node;
  readonly config: { server?: string; extensions?: string };
  readonly server: ThreeCxConfigNode | null;
  t(key: string, opts?: Record<string, string | number>): string;
  status(s: NodeStatus): void;
  emit(events: readonly MonitorEvent[]): void;
  closing(): boolean;
  extras(client: PollClient | undefined): MonitorExtras;
}

export interface V20Monitor {
  onInput(msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void): void;
  stop(): Promise<void> | void;
}

function statusOf(s: SocketState, t: V20MonitorCtx["t"]): NodeStatus | undefined {
  switch (s.kind) {
    case "connected":
      return { fill: "green", shape: "dot", text: t("status.connected") };
    case "connecting":
      return { fill: "yellow", shape: "ring", text: t("status.connecting") };
    case "reconnecting": {
      const seconds = Math.max(1, Math.round(s.retryInMs / 1000));
      const key = s.code === "AUTH" ? "status.tokenRefused" : s.code === "TLS" ? "status.tlsReconnecting" : "status.reconnecting";
      return { fill: "red", shape: "ring", text: t(key, { seconds }) };
    }
    case "stopped":
      return undefined;
  }
}

export function v20Monitor(ctx: V20MonitorCtx): V20Monitor {
  const { node, config, server, t } = ctx;
  const source = server ? v20EventsOf(server) : undefined;
  if (!source) {
    const problem = config.server && !server ? configProblem(config.server) : undefined;
    const message = problem ? `3cx-monitor: ${problem.message}` : t(server ? "error.notV20" : "error.noServer");
    ctx.status({ fill: "red", shape: "ring", text: problem ? problem.status : t(server ? "status.notV20" : "status.noServer") });
    node.error(message);
    return { onInput: (_m, _s, done) => done(new Error(message)), stop: () => undefined };
  }
  const watch = parseWatchList(config.extensions);
  for (const problem of watch.problems) node.warn(t("warn.range", { problem }));
  const watched = new Set(watch.nums);
  const extras = ctx.extras(server?.client as PollClient | undefined);
  let lastReason = "";
  const leave = source.subscribe({
    onEvents: (events) => {
      if (ctx.closing()) return;
      // Calls are the PBX's; extension states only for the extensions this monitor watches.
      const mine = events.filter((e) => e.topic !== "extension.status" || watched.has(e.payload.num));
      if (mine.length > 0) ctx.emit(mine);
    },
    onState: (s) => {
      if (ctx.closing()) return;
      const status = statusOf(s, t);
      if (status) ctx.status(status);
      // The reason once per change, not once per retry.
      if (s.kind === "reconnecting" && s.reason !== lastReason) node.warn(`3cx-monitor: ${s.reason}`);
      lastReason = s.kind === "reconnecting" ? s.reason : "";
    },
  });
  return {
    stop: () => leave(),
    onInput: (msg, send, done) => {
      const now = source.snapshot();
      const extensions = Object.fromEntries(Object.entries(now.extensions).filter(([num]) => watched.has(num)));
      const payload = { source: "v20", at: new Date().toISOString(), calls: now.calls, extensions, queues: {} };
      const stats = extras.report();
      msg.topic = "snapshot";
      msg.payload = stats ? { ...payload, queueStats: stats } : payload;
      send(msg);
      extras.afterSnapshot();
      done();
    },
  };
}
