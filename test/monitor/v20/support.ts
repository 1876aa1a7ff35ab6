/** A hand-moved clock for the V20 socket's timers, and a real Call Control WebSocket server on 127.0.0.1. */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { Clock } from "../../../src/monitor/v20";
import { T0 } from "./fixtures";

export class FakeClock implements Clock {
  t = T0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Delays (from now) of the timers waiting. */
  get pending(): number[] {
    return [...this.timers.values()].map((x) => x.at - this.t).sort((a, b) => a - b);
  }

  /** Moves time on by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, what = "condition", ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not met in time`);
    await sleep(5);
  }
}

/**
 * A Call Control WebSocket endpoint: accepts an upgrade to /callcontrol/ws whose Bearer token is
 * in `tokens`; answers `refuseWith` (an HTTP status) to every upgrade while set.
 */
export class TestCcServer {
  readonly tokens = new Set<string>();
  refuseWith: number | undefined;
  /** Authorization headers of every upgrade, in order (the test checks what was sent). */
  readonly seen: string[] = [];
  readonly clients = new Set<WebSocket>();
  private readonly wss: WebSocketServer;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on("connection", (ws) => {
      this.clients.add(ws);
      ws.on("close", () => this.clients.delete(ws));
    });
  }

  /** `autoPong: false` = a peer that no longer answers pings (a dead connection). */
  static async start(tokens: string[] = ["tok-1"], opts: { autoPong?: boolean } = {}): Promise<TestCcServer> {
    let server!: TestCcServer;
    const wss = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      path: "/callcontrol/ws",
      autoPong: opts.autoPong ?? true,
      verifyClient: (info: { req: IncomingMessage }, cb: (ok: boolean, code?: number) => void) => {
        const auth = info.req.headers.authorization ?? "";
        server.seen.push(auth);
        if (server.refuseWith !== undefined) return cb(false, server.refuseWith);
        const m = /^Bearer (.+)$/.exec(auth);
        cb(m !== null && server.tokens.has(m[1]!), 401);
      },
    });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    server = new TestCcServer(wss);
    for (const t of tokens) server.tokens.add(t);
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/callcontrol/ws`;
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  send(text: string): void {
    for (const c of this.clients) c.send(text);
  }

  /** Drops every client's TCP connection without a close frame (as a network loss). */
  drop(): void {
    for (const c of this.clients) c.terminate();
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
