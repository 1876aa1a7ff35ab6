/**
 * A raw node:http(s) WebAPI stand-in on 127.0.0.1 for fault-specific client tests. It counts
 * connections and requests in flight, records every request (the key is checked, then left out of
 * the record), and answers through a handler each test can replace.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Cert } from "./certs";

export const KEY = "K3y-SECRET-zz9";

export interface Hit {
  /** Method path after /webapi/{key}/ ("" for info). */
  method: string;
  /** The raw query string (without "?"). */
  rawQuery: string;
  query: URLSearchParams;
  /** Order in which requests arrived, from 0. */
  seq: number;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: Hit) => void;

export function json(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The default: echo the method and parameters as JSON. */
export const echo: Handler = (_req, res, hit) => json(res, 200, { method: hit.method, params: Object.fromEntries(hit.query) });

export class TestServer {
  readonly hits: Hit[] = [];
  connections = 0;
  inFlight = 0;
  maxInFlight = 0;
  handler: Handler = echo;
  readonly sockets = new Set<Socket>();
  #server: http.Server;
  #url = "";

  private constructor(server: http.Server, private readonly key: string) {
    this.#server = server;
    server.on("connection", (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => this.#onRequest(req, res));
  }

  /** `clientCa`: require a client certificate issued by it (mutual TLS). */
  static async start(opts: { tls?: Cert; key?: string; clientCa?: string } = {}): Promise<TestServer> {
    const mutual = opts.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: opts.clientCa } : {};
    const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert, ...mutual }) : http.createServer();
    const ts = new TestServer(server, opts.key ?? KEY);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    ts.#url = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
    return ts;
  }

  get url(): string {
    return this.#url;
  }

  /** Requests for one method. */
  count(method: string): number {
    return this.hits.filter((h) => h.method === method).length;
  }

  reset(): void {
    this.hits.length = 0;
    this.connections = this.sockets.size;
    this.maxInFlight = this.inFlight;
    this.handler = echo;
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on("close", () => this.inFlight--);
    const raw = req.url ?? "";
    const q = raw.indexOf("?");
    const path = q < 0 ? raw : raw.slice(0, q);
    const rawQuery = q < 0 ? "" : raw.slice(q + 1);
    const m = /^\/webapi\/([^/]*)\/(.*)$/.exec(path);
    if (!m) return json(res, 404, { error: "Not a WebAPI path" });
    const hit: Hit = { method: m[2] === "" ? "info" : decodeURIComponent(m[2]), rawQuery, query: new URLSearchParams(rawQuery), seq: this.hits.length };
    this.hits.push(hit);
    if (decodeURIComponent(m[1]) !== this.key) return json(res, 401, { error: "Invalid access key" });
    this.handler(req, res, hit);
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
