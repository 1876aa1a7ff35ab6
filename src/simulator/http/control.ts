/**
 * The control API under /_sim (never under /webapi, so it cannot collide with a WebAPI method), to
 * drive a simulator that runs as a separate process. JSON in and out; no key (it only ever listens
 * where the simulator does, 127.0.0.1 by default). Changes that close the listener (a `down` fault)
 * are applied after the answer has been sent.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { validateFault } from "./faults";
import type { Fault, ScenarioOptions, Simulator, WebhookOptions } from "../types";

const MAX_BODY = 1 << 20;

class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ControlError(413, "body too large"));
      else chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8").trim();
      if (text === "") return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ControlError(400, "body is not valid JSON"));
      }
    });
    req.on("error", reject);
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function send(res: ServerResponse, status: number, value: unknown, after?: () => void): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(body.length), "cache-control": "no-store" });
  if (after) res.once("finish", after);
  res.end(body);
}

const ENDPOINTS = [
  "GET /_sim/state", "POST /_sim/reset", "GET /_sim/queues  (today's queue figures as the simulator counted them)",
  "GET|POST|DELETE /_sim/faults  (POST: a fault or a list of faults; replaces)",
  "GET|DELETE /_sim/stats", "GET|DELETE /_sim/requests",
  "GET|PUT|DELETE /_sim/webhook  (PUT: {url, method, recordingUrl, recordingFullInfo, ai})",
  "POST /_sim/webhook/send  (any event object)", "GET /_sim/webhook/sent",
  "GET|POST|DELETE /_sim/scenario  (POST: {intervalMs, ringMs, talkMs, seed, missedRatio})",
  "POST /_sim/calls  ({from, to, line?, answer?}: an inbound call)", "DELETE /_sim/calls/<callID>",
  "GET /_sim/v20  (the V20 side: sockets, tokens)", "POST /_sim/v20/drop  (cut every Call Control WebSocket)",
  "POST /_sim/v20/lose  ({count}: the next messages to every socket are numbered but not sent; 0 ends it)",
  "POST /_sim/v20/expire  (expire every token; close the WebSockets opened with one)",
];

async function route(sim: Simulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const verb = req.method ?? "GET";
  const body = verb === "POST" || verb === "PUT" ? await readJson(req) : undefined;
  const at = `${verb} ${path}`;
  switch (at) {
    case "GET /_sim":
    case "GET /_sim/": return send(res, 200, { endpoints: ENDPOINTS });
    case "GET /_sim/state": return send(res, 200, sim.pbx.toJSON());
    case "GET /_sim/queues": return send(res, 200, sim.pbx.queueTruth());
    case "POST /_sim/reset": await sim.reset(); return send(res, 200, { ok: true });
    case "GET /_sim/faults": return send(res, 200, { faults: sim.faults.active });
    case "POST /_sim/faults":
    case "PUT /_sim/faults": {
      const list = (Array.isArray(body) ? body : [body]).map((f) => validateFault(f as Fault));
      const apply = async () => {
        await sim.faults.clear();
        for (const f of list) await sim.faults.add(f);
      };
      // A down fault closes this very connection: answer first.
      if (list.some((f) => f.down)) return send(res, 200, { faults: list }, () => void apply());
      await apply();
      return send(res, 200, { faults: list });
    }
    case "DELETE /_sim/faults": await sim.faults.clear(); return send(res, 200, { faults: [] });
    case "GET /_sim/stats": return send(res, 200, sim.stats);
    case "DELETE /_sim/stats": sim.resetStats(); return send(res, 200, sim.stats);
    case "GET /_sim/requests": return send(res, 200, { requests: sim.requests });
    case "DELETE /_sim/requests": sim.requests.length = 0; return send(res, 200, { requests: [] });
    case "GET /_sim/webhook": return send(res, 200, { target: sim.webhooks.target, failures: sim.webhooks.failures });
    case "POST /_sim/webhook":
    case "PUT /_sim/webhook":
      if (!isObject(body) || typeof body.url !== "string") throw new ControlError(400, "expected {url, method?}");
      sim.webhooks.target = body as unknown as WebhookOptions;
      return send(res, 200, { target: sim.webhooks.target });
    case "DELETE /_sim/webhook": sim.webhooks.target = null; return send(res, 200, { target: null });
    case "POST /_sim/webhook/send":
      if (!isObject(body)) throw new ControlError(400, "expected an event object");
      return send(res, 200, { status: await sim.webhooks.send(body) });
    case "GET /_sim/webhook/sent": return send(res, 200, { sent: sim.webhooks.sent });
    case "GET /_sim/scenario": return send(res, 200, { running: sim.scenario.running, history: sim.scenario.history });
    case "POST /_sim/scenario":
    case "PUT /_sim/scenario":
      sim.scenario.start(isObject(body) ? (body as ScenarioOptions) : {});
      return send(res, 200, { running: true });
    case "DELETE /_sim/scenario": sim.scenario.stop(); return send(res, 200, { running: false });
    case "GET /_sim/v20": {
      const v = sim.v20;
      return send(res, 200, { clientId: v.clientId, role: v.role, version: v.version, tokensIssued: v.tokensIssued, liveTokens: v.liveTokens, sockets: v.sockets, pushed: v.pushed, lost: v.lost });
    }
    case "POST /_sim/v20/drop": return send(res, 200, { dropped: sim.v20.dropSockets() });
    case "POST /_sim/v20/expire": return send(res, 200, { closed: sim.v20.expireTokens() });
    case "POST /_sim/v20/lose": {
      const count = isObject(body) ? body.count : undefined;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 10000) throw new ControlError(400, "expected {count: a whole number from 0 to 10000}");
      return send(res, 200, { sockets: sim.v20.loseMessages(count) });
    }
    case "POST /_sim/calls": {
      if (!isObject(body) || typeof body.from !== "string" || typeof body.to !== "string") {
        throw new ControlError(400, "expected {from, to, line?, answer?}");
      }
      const call = sim.pbx.inboundCall({
        from: body.from, to: body.to,
        line: typeof body.line === "string" ? body.line : undefined,
        answer: typeof body.answer === "boolean" ? body.answer : undefined,
      });
      return send(res, 200, { callID: call.callID });
    }
  }
  const end = /^DELETE \/_sim\/calls\/(\d+)$/.exec(at);
  if (end) return send(res, 200, { ended: sim.pbx.calls.end(Number(end[1]), "External") });
  throw new ControlError(404, `no control endpoint ${at}; GET /_sim lists them`);
}

export function handleControl(sim: Simulator, req: IncomingMessage, res: ServerResponse, path: string): void {
  route(sim, req, res, path).catch((err: unknown) => {
    if (res.headersSent) return;
    const status = err instanceof ControlError ? err.status : 400;
    send(res, status, { error: err instanceof Error ? err.message : String(err) });
  });
}
