/**
 * The simulator's V20 side on the same listeners and the same in-memory PBX as the WebAPI side:
 * POST /connect/token, the XAPI at /xapi/v1 and Call Control at /callcontrol (v20.md §1–§5).
 * Bearer tokens are checked on every API request (401 without a live one); faults of the control
 * API apply by the names "v20:token", "v20:xapi" and "v20:callcontrol" (or to every request).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { FaultList } from "../http/faults";
import type { PbxState } from "../pbx/state";
import type { RecordedRequest, SimulatorStats } from "../types";
import { TokenBook, type Principal } from "./auth";
import { handleCallControl } from "./callcontrol";
import { IdBook, type Entity } from "./entities";
import { ODataError } from "./odata";
import { CallControlPush } from "./push";
import type { V20Control, V20SimOptions } from "./types";
import { handleXapi } from "./xapi";

export * from "./types";

const MAX_BODY = 1 << 20;
const JSON_TYPE = "application/json; charset=utf-8";

export interface V20Side {
  readonly control: V20Control;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
  /** A server's `upgrade`: the Call Control WebSocket; false when the path is not it. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The PBX may have changed: push what did to the WebSockets (once per turn). */
  changed(): void;
  reset(): void;
  close(): void;
}

export interface V20Env {
  readonly pbx: PbxState;
  readonly faults: FaultList;
  readonly stats: SimulatorStats;
  readonly record?: (r: RecordedRequest) => void;
  readonly log?: (line: string) => void;
  /** The URL the answers' @odata.context names. */
  base(): string;
}

export function isV20Path(path: string): boolean {
  return path === "/connect/token" || path === "/callcontrol" || path.startsWith("/callcontrol/") || path.startsWith("/xapi/");
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ODataError(413, "Request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, { "cache-control": "no-store", ...headers });
    res.end();
    return;
  }
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": String(text.length), "cache-control": "no-store", ...headers });
  res.end(text);
}

export function createV20Side(env: V20Env, opts: V20SimOptions = {}): V20Side {
  const principal: Principal = {
    clientId: opts.clientId ?? "900",
    apiKey: opts.apiKey ?? (process.env.THREECX_SIM_API_KEY || "simulator-api-key"),
    role: opts.role ?? "system_admins",
    version: opts.version ?? "20.0.10.412",
    lifetimeSec: opts.tokenLifetimeSec ?? 3600,
    singleToken: opts.singleToken ?? true,
  };
  if (principal.apiKey === "") throw new TypeError("v20.apiKey must not be empty");
  const book = new TokenBook(principal);
  let ids = new IdBook();
  let participantIds = new Map<string, number>();
  const ccContext = () => ({ pbx: env.pbx, clientId: principal.clientId, monitored: opts.monitored, participantIds });
  // What the socket announces: every participant and device that GET /callcontrol lists.
  const push = new CallControlPush({
    accepts: (h) => book.accepts(h),
    *entities() {
      const list = handleCallControl(ccContext(), "GET", "/callcontrol", {}).body as Array<{ dn: string; devices: Array<{ device_id: string }>; participants: Array<{ id: number }> }>;
      for (const d of list) {
        const dn = encodeURIComponent(d.dn);
        for (const p of d.participants) yield [`/callcontrol/${dn}/participants/${p.id}`, p] as const;
        for (const dev of d.devices) yield [`/callcontrol/${dn}/devices/${encodeURIComponent(dev.device_id)}`, dev] as const;
      }
    },
  });

  const control: V20Control = {
    clientId: principal.clientId,
    apiKey: principal.apiKey,
    get role() { return principal.role; },
    set role(r) { principal.role = r; },
    version: principal.version,
    get tokensIssued() { return book.issued; },
    get issuedTokens() { return book.history; },
    get liveTokens() { return book.liveCount; },
    revokeTokens: () => book.revokeAll(),
    get sockets() { return push.clientCount; },
    get pushed() { return push.stats.sent; },
    get lost() { return push.stats.lost; },
    dropSockets: () => push.dropAll(),
    loseMessages: (count) => push.lose(count),
    expireTokens: () => {
      book.revokeAll();
      return push.closeExpired();
    },
  };

  async function answer(req: IncomingMessage, url: URL, verb: string, path: string): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const raw = verb === "GET" || verb === "DELETE" ? "" : await readBody(req);
    if (path === "/connect/token") {
      if (verb !== "POST") return { status: 405, body: { error: "invalid_request" } };
      const type = String(req.headers["content-type"] ?? "");
      if (!type.startsWith("application/x-www-form-urlencoded")) return { status: 400, body: { error: "invalid_request", error_description: "form body expected" } };
      return book.grant(new URLSearchParams(raw));
    }
    if (!book.accepts(req.headers.authorization)) return { status: 401, headers: { "www-authenticate": "Bearer" } };
    let body: Entity = {};
    if (raw.trim() !== "") {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        body = parsed as Entity;
      } catch {
        return { status: 400, body: new ODataError(400, "The request body is not a JSON object").body() };
      }
    }
    if (path.startsWith("/callcontrol")) {
      return handleCallControl(ccContext(), verb, path, body);
    }
    const headers = { "x-3cx-version": principal.version };
    try {
      return { ...handleXapi({ pbx: env.pbx, ids, principal, base: env.base() }, verb, path, url.searchParams, body), headers };
    } catch (e) {
      if (e instanceof ODataError) return { status: e.status, body: e.body(), headers };
      return { status: 500, body: new ODataError(500, "Internal simulator error").body(), headers };
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const started = Date.now();
    const verb = req.method ?? "GET";
    let path = url.pathname;
    try {
      path = decodeURIComponent(path); // OData keys and function arguments come percent-encoded
    } catch {
      // left as sent: it matches no route and answers 404
    }
    const area = path === "/connect/token" ? "token" : path.startsWith("/xapi/") ? "xapi" : "callcontrol";
    const name = `v20:${area}`;
    env.stats.requests++;
    env.stats.inFlight++;
    env.stats.maxInFlight = Math.max(env.stats.maxInFlight, env.stats.inFlight);
    res.once("close", () => { env.stats.inFlight--; });
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in params)) params[k] = v;
    env.record?.({ method: `${name} ${verb} ${path}`, params, httpMethod: verb, at: started });
    const fault = env.faults.take(name);
    const go = async (): Promise<void> => {
      if (fault?.drop === "before-headers") {
        req.socket.destroy();
        return;
      }
      if (fault?.status !== undefined) {
        // "$BEARER" in a canned body is the request's own token: a PBX that echoes it (secrecy tests).
        const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
        const text = Buffer.from((fault.body ?? "").split("$BEARER").join(bearer));
        res.writeHead(fault.status, {
          "content-type": fault.contentType ?? JSON_TYPE, "content-length": String(text.length),
          ...(fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {}),
        });
        res.end(text);
        return;
      }
      const a = await answer(req, url, verb, path);
      env.log?.(`v20 ${verb} ${path}${url.search ? ` ${decodeURIComponent(url.search)}` : ""} -> ${a.status}${fault ? " (fault)" : ""} ${Date.now() - started} ms`);
      if (!res.destroyed) send(res, a.status, a.body, a.headers);
    };
    const wait = fault?.latencyMs ?? 0;
    (wait > 0 ? new Promise<void>((r) => setTimeout(r, wait)).then(go) : go()).catch((e: unknown) => {
      if (e instanceof ODataError && !res.destroyed) send(res, e.status, e.body());
      else res.destroy();
    });
  }

  return {
    control,
    handle,
    upgrade: (req, socket, head) => {
      const ok = push.upgrade(req, socket, head);
      if (ok) env.stats.requests++;
      return ok;
    },
    changed: () => push.changed(),
    reset() {
      book.revokeAll();
      push.closeExpired();
      ids = new IdBook();
      participantIds = new Map();
    },
    close: () => push.close(),
  };
}
