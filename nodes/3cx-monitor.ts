/**
 * 3cx-monitor (SPEC §5): the event source. `poll` runs one poll loop per node against the config
 * node's shared client and emits the diff of consecutive snapshots; `webhook` mounts a route under
 * Node-RED's HTTP root for the WebAPI's webhook generator. Either way: msg.topic = event name,
 * msg.payload = event. All logic lives in src/monitor; this file wires it to Node-RED.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from "node-red";
import {
  Poller,
  PollerStoppedError,
  WebhookCalls,
  createWebhookHandler,
  eventFilter,
  fetchPoll,
  intervalMs,
  mountRoute,
  nodeMiddleware,
  normalizePath,
  parseAllowList,
  parseList,
  snapshotPayload,
  type HttpApp,
  type MonitorEvent,
  type PollerState,
  type RefusalReason,
} from "../src/monitor";
import type { ThreeCxConfigNode } from "./shared/types";

interface MonitorDef extends NodeDef {
  server?: string;
  source?: string;
  interval?: number | string;
  extensions?: string;
  queues?: string;
  events?: string[] | string;
  path?: string;
  allow?: string;
}

interface MonitorCredentials {
  token?: string;
}


const TYPE = "3cx-monitor";
/** The longest wait between retries while the PBX does not answer. */
const MAX_BACKOFF_MS = 60000;
/** A refused webhook is logged at most this often per reason (a scanner must not flood the log). */
const REFUSAL_LOG_MS = 60000;

function seconds(ms: number): string {
  return ms < 1000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

function clock(d: Date): string {
  return d.toTimeString().slice(0, 8);
}

export = function register(RED: NodeAPI): void {
  const t = (key: string, opts?: Record<string, string | number>): string => RED._(`${TYPE}.${key}`, opts);

  function MonitorNode(this: Node<MonitorCredentials>, config: MonitorDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const source = config.source === "webhook" ? "webhook" : "poll";
    const wanted = eventFilter(config.events);
    let closing = false;
    let lastStatus: NodeStatus = {};
    const status = (s: NodeStatus): void => {
      lastStatus = s;
      node.status(s);
    };

    function emit(events: readonly MonitorEvent[]): void {
      let last: string | undefined;
      for (const e of events) {
        if (closing || !wanted.has(e.topic)) continue;
        node.send({ topic: e.topic, payload: e.payload } as NodeMessage);
        last = e.topic;
      }
      // pbx.down has its own (red) status; other events show as "the last event".
      if (last !== undefined && last !== "pbx.down") status({ fill: "green", shape: "dot", text: t("status.event", { event: last, time: clock(new Date()) }) });
    }

    const stoppers: Array<() => Promise<void> | void> = [];
    let onInput: (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => void = (_m, _s, done) => done();

    if (source === "poll") {
      const server = config.server ? (RED.nodes.getNode(config.server) as ThreeCxConfigNode | null) : null;
      const client = server?.client;
      if (!client) {
        status({ fill: "red", shape: "ring", text: t("status.noServer") });
        node.error(t("error.noServer"));
        onInput = (_m, _s, done) => done(new Error(t("error.noServer")));
      } else {
        const watch = { extensions: parseList(config.extensions), queues: parseList(config.queues) };
        const warned = new Set<string>();
        const poller = new Poller({
          intervalMs: intervalMs(config.interval),
          maxBackoffMs: MAX_BACKOFF_MS,
          fetch: (signal) => fetchPoll(client, watch, signal, (kind, num, err) => {
            const code = (err as { code?: unknown }).code;
            const key = `${kind}:${num}:${String(code)}`;
            if (warned.has(key)) return;
            warned.add(key);
            node.warn(t("warn.entry", { kind, num, reason: err instanceof Error ? err.message : String(err) }));
          }),
          onEvents: emit,
          onState: (s: PollerState) => {
            if (closing) return;
            if (s.kind === "polling") status({ fill: "blue", shape: "dot", text: t("status.polling") });
            else if (s.kind === "down") {
              const key = s.code === "AUTH" ? "status.refused" : s.code === "TLS" ? "status.tls" : "status.down";
              status({ fill: "red", shape: "ring", text: t(key, { seconds: seconds(s.retryInMs) }) });
            }
          },
        });
        poller.start();
        stoppers.push(() => poller.stop());
        onInput = (msg, send, done) => {
          poller.pollNow().then(
            (snap) => {
              msg.topic = "snapshot";
              msg.payload = snapshotPayload(snap);
              send(msg);
              done();
            },
            (err: unknown) => done(closing || err instanceof PollerStoppedError ? undefined : err instanceof Error ? err : new Error(String(err))),
          );
        };
      }
    } else {
      const calls = new WebhookCalls();
      const path = normalizePath(config.path);
      const token = node.credentials?.token ?? "";
      const app = (RED as unknown as { httpNode?: HttpApp }).httpNode;
      const unknownEvents = new Set<string>();
      const lastRefusal = new Map<RefusalReason, number>();
      let setupError: string | undefined;
      let allow = null;
      try {
        allow = parseAllowList(config.allow);
      } catch (err) {
        setupError = err instanceof Error ? err.message : String(err);
      }
      if (!setupError && path === "") setupError = t("error.noPath");
      if (!setupError && (!app || RED.settings.httpNodeRoot === false)) setupError = t("error.noHttp");
      if (setupError || !app) {
        status({ fill: "red", shape: "ring", text: t("status.badConfig") });
        node.error(setupError);
      } else {
        const handler = createWebhookHandler({
          token,
          allow,
          onHook: (hook, from) => {
            if (closing) return;
            if (hook.kind === "unknown" && !unknownEvents.has(hook.event) && unknownEvents.size < 100) {
              unknownEvents.add(hook.event);
              node.warn(t("warn.unknownEvent", { event: hook.event.slice(0, 40), from }));
            }
            emit(calls.handle(hook, Date.now()));
          },
          onRefused: (reason, detail, from) => {
            if (closing) return;
            const now = Date.now();
            if (now - (lastRefusal.get(reason) ?? 0) >= REFUSAL_LOG_MS) {
              lastRefusal.set(reason, now);
              node.warn(t("warn.refused", { detail, from }));
            }
            status({ fill: "yellow", shape: "ring", text: t("status.refusedHook", { reason, time: clock(new Date()) }) });
          },
        });
        try {
          const unmount = mountRoute(app, path, node.id, nodeMiddleware(RED.settings.httpNodeMiddleware), handler);
          stoppers.push(unmount);
          status({ fill: "green", shape: "ring", text: t("status.listening", { path }) });
        } catch (err) {
          status({ fill: "red", shape: "ring", text: t("status.pathInUse") });
          node.error(err instanceof Error ? err.message : String(err));
        }
      }
      onInput = (msg, send, done) => {
        msg.topic = "snapshot";
        msg.payload = calls.snapshot(Date.now());
        send(msg);
        done();
      };
    }

    node.on("input", (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => onInput(msg, send, done));

    node.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      void Promise.allSettled(stoppers.map((s) => s())).then(() => {
        if (lastStatus.text !== undefined) node.status({});
        done();
      });
    });
  }

  RED.nodes.registerType<Node<MonitorCredentials>, MonitorDef, unknown, MonitorCredentials>(TYPE, MonitorNode, { credentials: { token: { type: "password" } } });
};
