/**
 * A stateful fake 3CX WebAPI (Creomate 2.1.9) for trying flows without a PBX: HTTP and HTTPS on
 * 127.0.0.1, answers built from an in-memory PBX that starts as the vendor's documented examples,
 * live calls, scenario mode, the webhook generator, faults and a /_sim control API.
 * Plain TypeScript; it does not share code with the package's HTTP client on purpose.
 */
import type { ServerResponse } from "node:http";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { handleControl } from "./http/control";
import { FaultList, validateFault } from "./http/faults";
import { Listener } from "./http/listener";
import { handleWebApi, keyComparer, type WebApiContext } from "./http/webapi";
import { PbxState } from "./pbx/state";
import { Scenario } from "./scenario";
import { Timers } from "./timers";
import { createV20Side, isV20Path } from "./v20";
import { simulatorCertificate } from "./tls";
import type { Fault, FaultControl, RecordedRequest, Simulator, SimulatorOptions, SimulatorStats } from "./types";
import { recordingName, webhooksFor } from "./webhooks/format";
import { WebhookSender } from "./webhooks/sender";

export * from "./types";
export { PbxState } from "./pbx/state";
export type { CallEvent, CallTiming } from "./pbx/calls";
export type * from "./pbx/model";
export type { V20Control, V20Role, V20SimOptions } from "./v20";

const MAX_RECORDINGS = 1000;

/** Ten silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz): what a recording URL serves. */
const SILENT_MP3 = Buffer.concat(Array.from({ length: 10 }, () => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(413)])));

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? "127.0.0.1";
  const accessKey = opts.accessKey ?? "simulator-key";
  if (accessKey === "") throw new TypeError("accessKey must not be empty");
  const fast = opts.fast ?? false;
  const maxRecorded = opts.maxRecordedRequests ?? 10000;

  const pbx = new PbxState({ callTiming: opts.callTiming });
  const faults = new FaultList();
  const stats: SimulatorStats = { connections: 0, inFlight: 0, maxInFlight: 0, requests: 0 };
  const requests: RecordedRequest[] = [];
  const requestTimers = new Timers();
  const scenarioTimers = new Timers();
  const hung = new Set<ServerResponse>();
  const recordings = new Set<string>();
  const webhooks = new WebhookSender(opts.webhook);
  const scenario = new Scenario(pbx, scenarioTimers);
  const keyMatches = keyComparer(accessKey);

  const ctx: WebApiContext = {
    pbx, faults, stats, hung, keyMatches,
    strict: opts.strict ?? true,
    version: opts.version === 3 ? 3 : 2,
    timers: requestTimers,
    latencyMs: fast ? 0 : opts.latencyMs ?? 0,
    log: fast ? undefined : opts.log,
    record: fast ? undefined : (r) => {
      requests.push(r);
      if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    },
  };

  const serveRecording = (res: ServerResponse, name: string) => {
    if (!recordings.has(name)) return sendJson(res, 404, { error: "Unknown recording" });
    res.writeHead(200, { "content-type": "audio/mpeg", "content-length": String(SILENT_MP3.length) });
    res.end(SILENT_MP3);
  };

  const v20 = createV20Side({
    pbx, faults, stats, record: ctx.record, log: ctx.log, base: () => httpUrl || httpsUrl,
  }, opts.v20);

  const parseUrl = (req: IncomingMessage, res: ServerResponse): URL | undefined => {
    try {
      return new URL(req.url ?? "/", "http://simulator.invalid");
    } catch {
      sendJson(res, 400, { error: "Bad request URL" });
      return undefined;
    }
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // Whatever a request changed (a WebAPI or Call Control action, the control API) is pushed on V20's socket.
    res.once("finish", () => v20.changed());
    const url = parseUrl(req, res);
    if (!url) return;
    const path = url.pathname;
    if (path === "/_sim" || path.startsWith("/_sim/")) return handleControl(sim, req, res, path);
    if (isV20Path(path)) return v20.handle(req, res, url);
    const m = /^\/webapi\/([^/]*)(?:\/(.*))?$/.exec(path);
    if (!m) return sendJson(res, 404, { error: "Not found" });
    const key = safeDecode(m[1]);
    const rest = safeDecode(m[2] ?? "");
    if (key === "recording" && /^[\w.-]+\.mp3$/.test(rest) && !keyMatches(key)) return serveRecording(res, rest);
    handleWebApi(ctx, req, res, key, rest, url.searchParams).catch(() => res.destroy());
  };
  const onControlOnly = (req: IncomingMessage, res: ServerResponse): void => {
    res.once("finish", () => v20.changed());
    const path = parseUrl(req, res)?.pathname;
    if (path === undefined) return;
    if (path === "/_sim" || path.startsWith("/_sim/")) return handleControl(sim, req, res, path);
    sendJson(res, 404, { error: "This port serves only the /_sim control API" });
  };

  const cert = opts.httpsPort === false ? undefined : opts.tls ?? await simulatorCertificate();
  const countConnection = () => { stats.connections++; };
  const httpL = opts.httpPort === false ? undefined : new Listener(host, onRequest, undefined, countConnection);
  const httpsL = cert ? new Listener(host, onRequest, cert, countConnection) : undefined;
  const controlL = opts.controlPort === undefined || opts.controlPort === false ? undefined : new Listener(host, onControlOnly);
  const webapiListeners = [httpL, httpsL].filter((l): l is Listener => l !== undefined);
  const all = [...webapiListeners, ...(controlL ? [controlL] : [])];
  try {
    if (httpL) await httpL.open(opts.httpPort || 0);
    if (httpsL) await httpsL.open(opts.httpsPort || 0);
    if (controlL) await controlL.open(opts.controlPort || 0);
  } catch (err) {
    await Promise.all(all.map((l) => l.close()));
    throw err;
  }

  const httpUrl = httpL ? `http://${urlHost(host)}:${httpL.boundPort}` : "";
  const httpsUrl = httpsL ? `https://${urlHost(host)}:${httpsL.boundPort}` : "";
  const controlUrl = controlL ? `http://${urlHost(host)}:${controlL.boundPort}` : "";

  for (const l of webapiListeners) {
    l.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!v20.upgrade(req, socket, head)) socket.destroy();
    });
  }
  pbx.onCall((e) => {
    v20.changed();
    if (e.type === "ended" && !e.missed) {
      recordings.add(recordingName(e.call));
      if (recordings.size > MAX_RECORDINGS) recordings.delete(recordings.values().next().value as string);
    }
    const target = webhooks.target;
    if (target) {
      webhooks.enqueue(webhooksFor(e, pbx, {
        recordingBase: httpUrl || httpsUrl, recordingFullInfo: target.recordingFullInfo ?? true, ai: target.ai ?? false,
      }));
    }
  });

  // Opening and closing listeners for `down` faults, one change at a time.
  let closed = false;
  let listenerChange: Promise<void> = Promise.resolve();
  const syncDown = (): Promise<void> => {
    listenerChange = listenerChange.then(async () => {
      for (const l of webapiListeners) {
        if (faults.down && l.isListening) await l.close();
        else if (!faults.down && !l.isListening && !closed) await l.open();
      }
    });
    return listenerChange;
  };
  const faultControl: FaultControl = {
    set: (f: Fault) => { faults.replace(validateFault(f)); return syncDown(); },
    add: (f: Fault) => { faults.add(f); return syncDown(); },
    clear: () => { faults.replace(undefined); return syncDown(); },
    get active() { return faults.active; },
  };

  const sim: Simulator = {
    httpUrl, httpsUrl, controlUrl, accessKey, pbx, requests, stats, webhooks, scenario,
    v20: v20.control,
    ca: cert?.cert ?? "",
    faults: faultControl,
    resetStats() {
      stats.connections = 0;
      stats.requests = 0;
      stats.maxInFlight = stats.inFlight;
    },
    async reset() {
      scenario.stop();
      pbx.reset();
      v20.reset();
      recordings.clear();
      requests.length = 0;
      await faultControl.clear();
      sim.resetStats();
    },
    async close() {
      closed = true;
      scenario.stop();
      scenarioTimers.clearAll();
      requestTimers.clearAll();
      pbx.dispose();
      webhooks.close();
      v20.close();
      for (const res of hung) res.destroy();
      hung.clear();
      await listenerChange;
      await Promise.all(all.map((l) => l.close()));
    },
  };

  if (opts.scenario) scenario.start(opts.scenario === true ? {} : opts.scenario);
  return sim;
}
