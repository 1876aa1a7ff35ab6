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
import { configProblem } from "./shared/config-problems";

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

type InputHandler = (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => void;

/** What one source sets up: how it answers an input message, and how it stops. */
interface Source {
  onInput: InputHandler;
  stop(): Promise<void> | void;
}

/** What both sources need of the node. */
interface Ctx {
  readonly RED: NodeAPI;
  readonly node: Node<MonitorCredentials>;
  readonly config: MonitorDef;
  t(key: string, opts?: Record<string, string | number>): string;
  status(s: NodeStatus): void;
  emit(events: readonly MonitorEvent[]): void;
  closing(): boolean;
}

/** Polling: one loop on the config node's shared client. */
function pollSource(ctx: Ctx): Source {
  const { RED, node, config, t } = ctx;
  const server = config.server ? (RED.nodes.getNode(config.server) as ThreeCxConfigNode | null) : null;
  const client = server?.client;
  if (!client) {
    const problem = config.server ? configProblem(config.server) : undefined;
    const message = problem ? `3cx-monitor: ${problem.message}` : t("error.noServer");
    ctx.status({ fill: "red", shape: "ring", text: problem ? problem.status : t("status.noServer") });
    node.error(message);
    return { onInput: (_m, _s, done) => done(new Error(message)), stop: () => undefined };
  }
  const watch = { extensions: parseList(config.extensions), queues: parseList(config.queues) };
  const warned = new Set<string>();
  const poller = new Poller({
    intervalMs: intervalMs(config.interval),
    maxBackoffMs: MAX_BACKOFF_MS,
    fetch: (signal) => fetchPoll(client, watch, signal, (kind, num, err) => {
      // Once per entry and reason, not once per poll.
      const key = `${kind}:${num}:${String((err as { code?: unknown }).code)}`;
      if (warned.has(key)) return;
      warned.add(key);
      node.warn(t("warn.entry", { kind, num, reason: err instanceof Error ? err.message : String(err) }));
    }),
    onEvents: ctx.emit,
    onState: (s: PollerState) => {
      if (ctx.closing()) return;
      if (s.kind === "polling") ctx.status({ fill: "blue", shape: "dot", text: t("status.polling") });
      else if (s.kind === "down") {
        const key = s.code === "AUTH" ? "status.refused" : s.code === "TLS" ? "status.tls" : "status.down";
        ctx.status({ fill: "red", shape: "ring", text: t(key, { seconds: seconds(s.retryInMs) }) });
      }
    },
  });
  poller.start();
  return {
    stop: () => poller.stop(),
    onInput: (msg, send, done) => {
      poller.pollNow().then(
        (snap) => {
          msg.topic = "snapshot";
          msg.payload = snapshotPayload(snap);
          send(msg);
          done();
        },
        // Stopped by a redeploy while waiting: not an error of this message.
        (err: unknown) => done(ctx.closing() || err instanceof PollerStoppedError ? undefined : err instanceof Error ? err : new Error(String(err))),
      );
    },
  };
}

/** The token credential; `${VAR}` inside it is read from the environment. */
function tokenOf(RED: NodeAPI, node: Node<MonitorCredentials>): string {
  const raw = node.credentials?.token ?? "";
  // The "env" type expands ${VAR} (also inside text); no message is involved.
  return raw.includes("${") ? String(RED.util.evaluateNodeProperty(raw, "env", node, {} as never)) : raw;
}

/** Webhooks: a route under Node-RED's HTTP root. */
function webhookSource(ctx: Ctx): Source {
  const { RED, node, config, t } = ctx;
  const calls = new WebhookCalls();
  const snapshot: InputHandler = (msg, send, done) => {
    msg.topic = "snapshot";
    msg.payload = calls.snapshot(Date.now());
    send(msg);
    done();
  };
  const path = normalizePath(config.path);
  const app = (RED as unknown as { httpNode?: HttpApp }).httpNode;
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
    ctx.status({ fill: "red", shape: "ring", text: t("status.badConfig") });
    node.error(setupError);
    return { onInput: snapshot, stop: () => undefined };
  }
  const unknownEvents = new Set<string>();
  const lastRefusal = new Map<RefusalReason, number>();
  const handler = createWebhookHandler({
    token: tokenOf(RED, node),
    allow,
    onHook: (hook, from) => {
      if (ctx.closing()) return;
      if (hook.kind === "unknown" && !unknownEvents.has(hook.event) && unknownEvents.size < 100) {
        unknownEvents.add(hook.event);
        node.warn(t("warn.unknownEvent", { event: hook.event.slice(0, 40), from }));
      }
      ctx.emit(calls.handle(hook, Date.now()));
    },
    onRefused: (reason, detail, from) => {
      if (ctx.closing()) return;
      const now = Date.now();
      if (now - (lastRefusal.get(reason) ?? 0) >= REFUSAL_LOG_MS) {
        lastRefusal.set(reason, now);
        node.warn(t("warn.refused", { detail, from }));
      }
      ctx.status({ fill: "yellow", shape: "ring", text: t("status.refusedHook", { reason, time: clock(new Date()) }) });
    },
  });
  try {
    const unmount = mountRoute(app, path, node.id, nodeMiddleware(RED.settings.httpNodeMiddleware), handler);
    ctx.status({ fill: "green", shape: "ring", text: t("status.listening", { path }) });
    return { onInput: snapshot, stop: unmount };
  } catch (err) {
    ctx.status({ fill: "red", shape: "ring", text: t("status.pathInUse") });
    node.error(err instanceof Error ? err.message : String(err));
    return { onInput: snapshot, stop: () => undefined };
  }
}

export = function register(RED: NodeAPI): void {
  const t = (key: string, opts?: Record<string, string | number>): string => RED._(`${TYPE}.${key}`, opts);

  function MonitorNode(this: Node<MonitorCredentials>, config: MonitorDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const wanted = eventFilter(config.events);
    let closing = false;
    let shown = false;
    const status = (s: NodeStatus): void => {
      shown = true;
      node.status(s);
    };
    const emit = (events: readonly MonitorEvent[]): void => {
      let last: string | undefined;
      for (const e of events) {
        if (closing || !wanted.has(e.topic)) continue;
        node.send({ topic: e.topic, payload: e.payload } as NodeMessage);
        last = e.topic;
      }
      // pbx.down has its own (red) status; other events show as "the last event".
      if (last !== undefined && last !== "pbx.down") status({ fill: "green", shape: "dot", text: t("status.event", { event: last, time: clock(new Date()) }) });
    };
    const ctx: Ctx = { RED, node, config, t, status, emit, closing: () => closing };
    const source = config.source === "webhook" ? webhookSource(ctx) : pollSource(ctx);

    node.on("input", source.onInput);
    node.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      void Promise.resolve(source.stop()).catch(() => undefined).then(() => {
        if (shown) node.status({});
        done();
      });
    });
  }

  RED.nodes.registerType<Node<MonitorCredentials>, MonitorDef, unknown, MonitorCredentials>(TYPE, MonitorNode, { credentials: { token: { type: "password" } } });
};
