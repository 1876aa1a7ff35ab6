/**
 * Answers one `GET /webapi/{key}/{method}?{query}` request: stats and recording, faults, then the
 * key check, method lookup, parameter validation and the handler.
 *
 * Our error design (the real WebAPI's errors are undocumented): wrong key → 401
 * {"error":"Invalid access key"}; unknown method → 404 {"error":"Unknown method"}; a verb other than
 * GET → 405; bad parameter → 400 {"error":"<param>: <problem>"}; unknown extension/queue/… → 404.
 * The key is never echoed, logged or recorded.
 */
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { METHODS, type MethodSpec } from "../../catalog";
import { HANDLERS } from "../api/handlers";
import { ApiError, validateParams } from "../api/validate";
import type { PbxState } from "../pbx/state";
import type { Timers } from "../timers";
import type { Fault, RecordedRequest, SimulatorStats } from "../types";
import { FAILING_ANSWERS, oversizeBody, type FaultList } from "./faults";

export interface WebApiContext {
  readonly pbx: PbxState;
  readonly strict: boolean;
  readonly version: 2 | 3;
  readonly faults: FaultList;
  readonly stats: SimulatorStats;
  readonly timers: Timers;
  /** Responses kept open by a hang fault (destroyed on close). */
  readonly hung: Set<ServerResponse>;
  latencyMs: number;
  record?: (r: RecordedRequest) => void;
  log?: (line: string) => void;
  keyMatches(key: string): boolean;
}

const BY_PATH: ReadonlyMap<string, MethodSpec> = new Map(METHODS.map((m) => [m.path, m]));
const JSON_TYPE = "application/json; charset=utf-8";

interface Answer {
  status: number;
  body: Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

const json = (status: number, value: unknown): Answer =>
  ({ status, body: Buffer.from(JSON.stringify(value)), contentType: JSON_TYPE });
const errorAnswer = (status: number, message: string) => json(status, { error: message });

/** Compares keys in constant time (hashes first, so lengths do not leak either). */
export function keyComparer(accessKey: string): (key: string) => boolean {
  const want = crypto.createHash("sha256").update(accessKey).digest();
  return (key) => crypto.timingSafeEqual(want, crypto.createHash("sha256").update(key).digest());
}

function normalAnswer(ctx: WebApiContext, key: string, path: string, httpMethod: string, query: URLSearchParams): Answer {
  if (!ctx.keyMatches(key)) return errorAnswer(401, "Invalid access key");
  if (httpMethod !== "GET") return { ...errorAnswer(405, "Method not allowed"), headers: { allow: "GET" } };
  const spec = BY_PATH.get(path);
  const handler = spec && HANDLERS[spec.name];
  if (!spec || !handler) return errorAnswer(404, "Unknown method");
  try {
    return json(200, handler(validateParams(spec, query), { pbx: ctx.pbx, strict: ctx.strict, version: ctx.version }));
  } catch (err) {
    if (err instanceof ApiError) return errorAnswer(err.status, err.message);
    return errorAnswer(500, "Internal simulator error");
  }
}

function cannedAnswer(f: Fault): Answer {
  const status = f.status ?? 200;
  const body = f.body ?? (status >= 400 ? JSON.stringify({ error: `Simulated HTTP ${status}` }) : "");
  const headers: Record<string, string> = f.retryAfter !== undefined ? { "retry-after": String(f.retryAfter) } : {};
  return { status, body: Buffer.from(body), contentType: f.contentType ?? JSON_TYPE, headers };
}

function writeHead(res: ServerResponse, a: Answer): void {
  res.writeHead(a.status, {
    "content-type": a.contentType,
    "content-length": String(a.body.length),
    "cache-control": "no-store",
    ...a.headers,
  });
}

function hang(ctx: WebApiContext, res: ServerResponse): void {
  ctx.hung.add(res);
  res.once("close", () => ctx.hung.delete(res));
}

const delay = (ctx: WebApiContext, ms: number) => new Promise<void>((resolve) => ctx.timers.set(resolve, ms));

export async function handleWebApi(
  ctx: WebApiContext, req: IncomingMessage, res: ServerResponse, key: string, path: string, query: URLSearchParams,
): Promise<void> {
  const started = Date.now();
  const method = path === "" ? "info" : path;
  const stats = ctx.stats;
  stats.requests++;
  stats.inFlight++;
  stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
  res.once("close", () => { stats.inFlight--; });
  const httpMethod = req.method ?? "GET";
  if (ctx.record) {
    const params: Record<string, string> = {};
    for (const [k, v] of query) if (!(k in params)) params[k] = v;
    ctx.record({ method, params, httpMethod, at: started });
  }

  const fault = ctx.faults.take(method);
  const wait = ctx.latencyMs + (fault?.latencyMs ?? 0);
  if (wait > 0) await delay(ctx, wait);
  if (res.destroyed) return;

  if (fault?.drop === "before-headers") {
    req.socket.destroy();
    return;
  }
  if (fault?.hang === "headers") {
    hang(ctx, res);
    return;
  }

  let answer: Answer;
  if (fault?.status !== undefined || fault?.body !== undefined) answer = cannedAnswer(fault);
  else if (fault?.answer !== undefined) answer = { status: 200, body: Buffer.from(FAILING_ANSWERS[fault.answer].body), contentType: FAILING_ANSWERS[fault.answer].contentType };
  else if (fault?.oversizeBytes !== undefined) answer = { status: 200, body: oversizeBody(fault.oversizeBytes), contentType: JSON_TYPE };
  else if (fault?.refuseKey) answer = errorAnswer(401, "Invalid access key");
  else answer = normalAnswer(ctx, key, path, httpMethod, query);

  ctx.log?.(`${httpMethod} ${method}${query.size > 0 ? ` ${query}` : ""} -> ${answer.status}${fault ? " (fault)" : ""} ${Date.now() - started} ms`);
  writeHead(res, answer);
  if (fault?.drop === "mid-body" || fault?.hang === "body") {
    // At least one byte is sent and at least one is missing.
    res.write(answer.body.subarray(0, Math.max(1, Math.floor(answer.body.length / 2))));
    if (fault.drop === "mid-body") setImmediate(() => req.socket.destroy());
    else hang(ctx, res);
    return;
  }
  res.end(answer.body);
}
