/**
 * 3cx-monitor (SPEC §5): the event source. `poll` subscribes to the config node's one poll engine
 * (shared by every poll monitor of that PBX, within its pollBudget) and emits what changed; `webhook` mounts a route under
 * Node-RED's HTTP root for the WebAPI's webhook generator. Either way: msg.topic = event name,
 * msg.payload = event. All logic lives in src/monitor; this file wires it to Node-RED.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from "node-red";
import {
  PollerStoppedError,
  WebhookCalls,
  createWebhookHandler,
  eventFilter,
  intervalMs,
  mountRoute,
  nodeMiddleware,
  normalizePath,
  parseAllowList,
  parseWatchList,
  snapshotPayload,
  type EngineState,
  type HookListener,
  type HttpApp,
  type MonitorEvent,
  type PollClient,
  type Snapshot,
  type RefusalReason,
} from "../src/monitor";
import { MonitorExtras } from "./shared/monitor-extras";
import { v20Monitor } from "./shared/monitor-v20";
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
  statsInterval?: number | string;
  timeZone?: string;
  lookupCallers?: boolean | string;
}

interface MonitorCredentials {
  token?: string;
}

const TYPE = "3cx-monitor";
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
  /** How fresh the states are when the budget stretches them ("100 ext, every 11 s"), or "". */
  freshness(text: string): void;
  closing(): boolean;
  /** Queue statistics and caller names (set up once the source knows its PBX connection). */
  extras(client: PollClient | undefined, snapshot?: () => Snapshot | null): MonitorExtras;
}

/** The status while polling: refused entries and a strained PBX first, then how fresh states are. */
function pollingStatus(s: Extract<EngineState, { kind: "polling" }>, t: Ctx["t"]): NodeStatus {
  const fresh = { count: s.entries, seconds: seconds(s.refreshMs) };
  if (s.refused.length > 0) {
    const list = s.refused.slice(0, 3).join(", ") + (s.refused.length > 3 ? ` +${s.refused.length - 3}` : "");
    return { fill: "yellow", shape: "ring", text: t("status.refusedEntries", { list }) };
  }
  if (s.slowdown > 1) return { fill: "yellow", shape: "dot", text: t("status.slow", fresh) };
  if (s.stretched) return { fill: "blue", shape: "dot", text: t("status.fresh", fresh) };
  return { fill: "blue", shape: "dot", text: t("status.polling") };
}

/** Polling: a subscriber of the config node's one poll engine (shared by all its monitors). */
function pollSource(ctx: Ctx): Source {
  const { RED, node, config, t } = ctx;
  const server = config.server ? (RED.nodes.getNode(config.server) as ThreeCxConfigNode | null) : null;
  const engine = server?.engine;
  if (!engine) {
    const problem = config.server ? configProblem(config.server) : undefined;
    const message = problem ? `3cx-monitor: ${problem.message}` : t("error.noServer");
    ctx.status({ fill: "red", shape: "ring", text: problem ? problem.status : t("status.noServer") });
    node.error(message);
    return { onInput: (_m, _s, done) => done(new Error(message)), stop: () => undefined };
  }
  const extensions = parseWatchList(config.extensions);
  const queues = parseWatchList(config.queues);
  for (const problem of [...extensions.problems, ...queues.problems]) node.warn(t("warn.range", { problem }));
  const warned = new Set<string>();
  // The statistics read this monitor's view of the engine's snapshot; look-ups go through its pacer.
  const extras = ctx.extras({ call: async (method, params) => ({ data: await sub.read(method, params) }) }, () => sub.snapshot());
  const sub = engine.subscribe({
    intervalMs: intervalMs(config.interval),
    extensions: extensions.nums,
    queues: queues.nums,
    onEntryRefused: (kind, num, err) => {
      // Once per entry and reason, not once per retry.
      const key = `${kind}:${num}:${String((err as { code?: unknown }).code)}`;
      if (warned.has(key)) return;
      warned.add(key);
      node.warn(t("warn.entry", { kind, num, reason: err instanceof Error ? err.message : String(err) }));
    },
    onEvents: ctx.emit,
    onState: (s: EngineState) => {
      if (ctx.closing()) return;
      if (s.kind === "polling") {
        ctx.freshness(s.stretched ? t("status.fresh", { count: s.entries, seconds: seconds(s.refreshMs) }) : "");
        ctx.status(pollingStatus(s, t));
      } else if (s.kind === "down") {
        const key = s.code === "AUTH" ? "status.refused" : s.code === "TLS" ? "status.tls" : "status.down";
        ctx.status({ fill: "red", shape: "ring", text: t(key, { seconds: seconds(s.retryInMs) }) });
      }
    },
  });
  return {
    stop: () => sub.close(),
    onInput: (msg, send, done) => {
      sub.pollNow().then(
        (snap) => {
          msg.topic = "snapshot";
          const stats = extras.report();
          msg.payload = stats ? { ...snapshotPayload(snap), queueStats: stats } : snapshotPayload(snap);
          send(msg);
          extras.afterSnapshot();
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
  const server = config.server ? (RED.nodes.getNode(config.server) as ThreeCxConfigNode | null) : null;
  const extras = ctx.extras(server?.client);
  const snapshot: InputHandler = (msg, send, done) => {
    msg.topic = "snapshot";
    const stats = extras.report();
    msg.payload = stats ? { ...calls.snapshot(Date.now()), queueStats: stats } : calls.snapshot(Date.now());
    send(msg);
    extras.afterSnapshot();
    done();
  };
  // The PBX's one webhook entry (its config node's route), and this node's own path from flows
  // saved before it existed: both are heard, through one listener.
  const hub = server?.webhooks;
  const sharedPath = hub?.path ?? "";
  const path = normalizePath(config.path);
  const app = (RED as unknown as { httpNode?: HttpApp }).httpNode;
  let setupError: string | undefined;
  let allow = null;
  try {
    allow = parseAllowList(config.allow);
  } catch (err) {
    setupError = err instanceof Error ? err.message : String(err);
  }
  if (!setupError && path === "" && sharedPath === "") setupError = t("error.noPath");
  if (!setupError && path !== "" && (!app || RED.settings.httpNodeRoot === false)) setupError = t("error.noHttp");
  if (setupError) {
    ctx.status({ fill: "red", shape: "ring", text: t("status.badConfig") });
    node.error(setupError);
    return { onInput: snapshot, stop: () => undefined };
  }
  const unknownEvents = new Set<string>();
  const lastRefusal = new Map<RefusalReason, number>();
  const listener: HookListener = {
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
  };
  const stops: Array<() => void> = [];
  if (hub) stops.push(hub.add(listener));
  const stop = (): void => {
    for (const f of stops.splice(0)) f();
  };
  if (path !== "" && app) {
    const handler = createWebhookHandler({ token: tokenOf(RED, node), allow, onHook: listener.onHook, onRefused: listener.onRefused });
    try {
      stops.push(mountRoute(app, path, node.id, nodeMiddleware(RED.settings.httpNodeMiddleware), handler));
    } catch (err) {
      stop();
      ctx.status({ fill: "red", shape: "ring", text: t("status.pathInUse") });
      node.error(err instanceof Error ? err.message : String(err));
      return { onInput: snapshot, stop: () => undefined };
    }
  }
  ctx.status({ fill: "green", shape: "ring", text: t("status.listening", { path: [sharedPath, path].filter((p) => p !== "").join(", ") }) });
  return { onInput: snapshot, stop };
}

export = function register(RED: NodeAPI): void {
  const t = (key: string, opts?: Record<string, string | number>): string => RED._(`${TYPE}.${key}`, opts);

  function MonitorNode(this: Node<MonitorCredentials>, config: MonitorDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const wanted = eventFilter(config.events);
    let closing = false;
    let shown = false;
    let fresh = "";
    const status = (s: NodeStatus): void => {
      shown = true;
      node.status(s);
    };
    const emit = (events: readonly MonitorEvent[]): void => {
      let last: string | undefined;
      for (const e of events) {
        if (closing || (!wanted.has(e.topic) && e.topic !== "queue.stats")) continue;
        node.send({ topic: e.topic, payload: e.payload } as NodeMessage);
        last = e.topic;
      }
      // pbx.down has its own (red) status; other events show as "the last event".
      if (last !== undefined && last !== "pbx.down") {
        const text = t("status.event", { event: last, time: clock(new Date()) });
        status({ fill: "green", shape: "dot", text: fresh ? `${text} · ${fresh}` : text });
      }
    };
    let extras: MonitorExtras | undefined;
    const server = config.server ? (RED.nodes.getNode(config.server) as ThreeCxConfigNode | null) : null;
    const chosen = config.source === "webhook" ? "webhook" : config.source === "v20" ? "v20" : "poll";
    // SPEC §5: on api v20 the monitor listens to the Call Control WebSocket instead of polling
    // (V20 has no calls list to poll) or webhooks (the WebAPI add-on sends them): a flow built on a
    // WebAPI PBX keeps working when its config node is switched to V20.
    const sourceName = chosen !== "v20" && server?.api === "v20" ? "v20" : chosen;
    if (sourceName !== chosen) node.warn(t("warn.v20Instead", { source: t(`source.${chosen}`) }));
    const ctx: Ctx = {
      RED, node, config, t, status, freshness: (text) => void (fresh = text), closing: () => closing,
      emit: (events) => (extras ? extras.push(events) : emit(events)),
      extras: (client, snapshot) => {
        extras ??= new MonitorExtras({ node, config, source: sourceName, client, snapshot, send: emit, labels: { statsInterval: t("label.statsInterval"), timeZone: t("label.timeZone") }, unreadWarning: (reason) => t("warn.statsUnread", { reason }) });
        if (extras.problem) node.error(`3cx-monitor: ${extras.problem}; ${t("error.statsOff")}`);
        if ((config.lookupCallers === true || config.lookupCallers === "true") && !client) node.warn(t("warn.lookupNoServer"));
        return extras;
      },
    };
    const source = sourceName === "webhook" ? webhookSource(ctx) : sourceName === "v20" ? v20Monitor({ ...ctx, server }) : pollSource(ctx);

    node.on("input", source.onInput);
    node.on("close", (removed: boolean, done: () => void) => {
      closing = true;
      extras?.close(removed);
      void Promise.resolve(source.stop()).catch(() => undefined).then(() => {
        if (shown) node.status({});
        done();
      });
    });
  }

  RED.nodes.registerType<Node<MonitorCredentials>, MonitorDef, unknown, MonitorCredentials>(TYPE, MonitorNode, { credentials: { token: { type: "password" } } });
};
