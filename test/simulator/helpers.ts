/**
 * Raw node:http(s) requests against the simulator (the tests never use src/client: the simulator
 * must stand on its own), plus a local webhook receiver.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Simulator } from "../../src/simulator";

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  body?: string;
  ca?: string;
  agent?: http.Agent | false;
  timeoutMs?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One request; rejects with the socket/TLS error, or "timeout" after timeoutMs. */
export function request(url: string, opts: RequestOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === "https:" ? https : http;
    const req = lib.request(u, {
      method: opts.method ?? "GET",
      ca: opts.ca,
      agent: opts.agent,
      signal: opts.signal,
      headers: { ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("aborted")));
    });
    if (opts.timeoutMs !== undefined) {
      req.setTimeout(opts.timeoutMs, () => req.destroy(new Error("timeout")));
    }
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** URL of a WebAPI call, every name and value URL-encoded. "info" is the bare license path. */
export function webapiUrl(base: string, key: string, method: string, params: Readonly<Record<string, string>> = {}): string {
  const query = Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  const path = method === "info" ? "" : method;
  return `${base}/webapi/${encodeURIComponent(key)}/${path}${query ? `?${query}` : ""}`;
}

export interface CallAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body (undefined when it is not JSON). */
  json: unknown;
}

/** GET a WebAPI method on the simulator's HTTP listener. */
export async function call(
  sim: Simulator, method: string, params: Readonly<Record<string, string>> = {}, opts: RequestOptions & { key?: string } = {},
): Promise<CallAnswer> {
  const res = await request(webapiUrl(sim.httpUrl, opts.key ?? sim.accessKey, method, params), opts);
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text: res.body, json };
}

/** Polls `probe` until it returns a value other than undefined (or fails after timeoutMs). */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 3000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Received {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  body: unknown;
}

/** A webhook receiver on 127.0.0.1 that keeps every request it gets. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://receiver.invalid");
      const text = Buffer.concat(chunks).toString("utf8");
      received.push({
        method: req.method ?? "",
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        contentType: req.headers["content-type"] ?? "",
        body: text === "" ? undefined : JSON.parse(text),
      });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
