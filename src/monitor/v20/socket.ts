/**
 * The Call Control WebSocket of one PBX (`/callcontrol/ws`), kept open. Bearer auth on the
 * upgrade with a token from the injected provider (the config node's token manager); a refused
 * upgrade (401/403) is tried once more at once with a fresh token, since the cached one may have
 * expired or been replaced. Any other failure, and a socket lost after it was up, retries after
 * base·2ⁿ⁻¹ (capped) scaled by a random 50–100 % so that many Node-REDs do not reconnect in step.
 * `pbx.down` is emitted once when an outage starts, `pbx.up` once when the socket is back and the
 * resync (`onOpen`) has read the state. A ping every `pingIntervalMs` finds a dead connection that
 * no TCP error reports. The token is never in a state, an event or an error. No Node-RED in here.
 */
import WebSocket, { type ClientOptions } from "ws";
import { NETWORK, tlsReason } from "../../client/failure";
import type { MonitorEvent } from "../types";
import { systemClock, type Clock } from "./clock";

export type SocketState =
  | { readonly kind: "connecting" }
  | { readonly kind: "connected" }
  | { readonly kind: "reconnecting"; readonly code: string; readonly reason: string; readonly retryInMs: number }
  | { readonly kind: "stopped" };

/** The status line: "connected", "reconnecting in 8 s". */
export function socketStatusText(s: SocketState): string {
  switch (s.kind) {
    case "connected":
      return "connected";
    case "connecting":
      return "connecting";
    case "reconnecting":
      return `reconnecting in ${Math.max(1, Math.round(s.retryInMs / 1000))} s`;
    case "stopped":
      return "stopped";
  }
}

/** TLS settings for the upgrade (the config node's tls-config), nothing that could turn auth off. */
export type SocketTls = Pick<ClientOptions, "ca" | "cert" | "key" | "passphrase" | "rejectUnauthorized">;

export interface SocketOptions {
  /** `wss://host:port/callcontrol/ws` (`ws://` for the simulator on 127.0.0.1). */
  readonly url: string;
  /** A bearer token; `fresh` asks for a new one (the last was refused). Must not put the token in an error. */
  token(fresh: boolean): Promise<string>;
  readonly tls?: SocketTls;
  onMessage(data: string): void;
  /** After the upgrade, before the socket counts as up: the resync. A rejection fails this attempt. */
  onOpen?(): Promise<void>;
  /** The socket is gone (after it was open): state read through it can no longer be trusted. */
  onClose?(): void;
  onEvents(events: readonly MonitorEvent[]): void;
  onState(state: SocketState): void;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** First retry delay (ms, before jitter). Default 1000. */
  readonly baseDelayMs?: number;
  /** Longest retry delay (ms). Default 60 000. */
  readonly maxDelayMs?: number;
  /** Default 15 000; a ping unanswered by the next one ends the connection. 0 = no pings. */
  readonly pingIntervalMs?: number;
  /** Default 10 000. */
  readonly handshakeTimeoutMs?: number;
}

/** Why an attempt failed, in plain words and a stable code (never the token, never the URL's query). */
export class SocketFailure extends Error {
  constructor(readonly code: string, message: string, readonly status?: number) {
    super(message);
    this.name = "SocketFailure";
  }
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : "";
  return /^[A-Z0-9_]{1,64}$/.test(code) ? code : "";
}

/** A library or provider error → a SocketFailure with words of our own. */
function failureOf(err: unknown): SocketFailure {
  if (err instanceof SocketFailure) return err;
  const code = errorCode(err);
  const tls = tlsReason(code);
  if (tls) return new SocketFailure("TLS", `Call Control WebSocket: ${tls} (${code})`);
  const network = NETWORK[code];
  if (network) return new SocketFailure("UNREACHABLE", `Call Control WebSocket: cannot reach the PBX (${network[0]})`);
  const message = err instanceof Error ? err.message : "";
  if (/handshake has timed out/i.test(message)) return new SocketFailure("TIMEOUT", "Call Control WebSocket: the PBX did not complete the upgrade in time");
  // A token provider's own error (AUTH, TIMEOUT, …): its code and message are its contract.
  if (code && err instanceof Error) return new SocketFailure(code, err.message);
  return new SocketFailure("UNREACHABLE", "Call Control WebSocket: the connection failed");
}

function statusFailure(status: number): SocketFailure {
  if (status === 401 || status === 403) {
    return new SocketFailure("AUTH", `Call Control WebSocket: the PBX refused the token (HTTP ${status}); check the client ID, the API key and that the API client has Call Control access`, status);
  }
  if (status === 404) return new SocketFailure("HTTP_404", "Call Control WebSocket: /callcontrol/ws not found (HTTP 404); is the Call Control API licensed and enabled?", status);
  return new SocketFailure(`HTTP_${status}`, `Call Control WebSocket: the PBX refused the upgrade (HTTP ${status})`, status);
}

export class CallControlSocket {
  private static open = 0;
  /** Sockets connected now in this process (tests check redeploys leave one per PBX). */
  static get connectedCount(): number {
    return CallControlSocket.open;
  }

  private readonly opts: SocketOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private ws: WebSocket | undefined;
  private up = false;
  private timer: unknown;
  private pingTimer: unknown;
  private awaitingPong = false;
  private failures = 0;
  private freshNext = false;
  private triedFresh = false;
  private downSince: number | undefined;
  private started = false;
  private stopped = false;
  private closing: Promise<void> | undefined;

  constructor(opts: SocketOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
  }

  /** Whether the socket is open and its resync done. */
  get connected(): boolean {
    return this.up;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.opts.onState({ kind: "connecting" });
    void this.connect();
  }

  /** Drops the connection and reconnects (as after a loss): used when the REST side lost track. */
  restart(reason: SocketFailure): void {
    if (this.stopped || !this.ws) return;
    this.pendingFailure = reason;
    this.ws.terminate();
  }

  /** Closes the socket; no retry after it. Resolves when the socket has closed. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.clock.clearTimeout(this.timer);
      this.stopPings();
      const ws = this.ws;
      this.closing = new Promise<void>((resolve) => {
        if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.terminate();
      }).then(() => {
        this.markDown();
        this.opts.onState({ kind: "stopped" });
      });
    }
    return this.closing ?? Promise.resolve();
  }

  /** A failure recorded during an attempt, reported when its socket closes. */
  private pendingFailure: SocketFailure | undefined;

  private async connect(): Promise<void> {
    this.pendingFailure = undefined;
    let token: string;
    try {
      token = await this.opts.token(this.freshNext);
    } catch (err) {
      if (!this.stopped) this.failed(failureOf(err));
      return;
    }
    this.freshNext = false;
    if (this.stopped) return;
    const ws = new WebSocket(this.opts.url, {
      ...this.opts.tls,
      headers: { Authorization: `Bearer ${token}` },
      handshakeTimeout: this.opts.handshakeTimeoutMs ?? 10000,
      perMessageDeflate: false,
      followRedirects: false,
    });
    this.ws = ws;
    ws.on("unexpected-response", (_req, res) => {
      this.pendingFailure = statusFailure(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on("error", (err) => {
      this.pendingFailure ??= failureOf(err);
    });
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.opts.onMessage(data.toString());
    });
    ws.on("pong", () => (this.awaitingPong = false));
    ws.on("open", () => void this.opened(ws));
    ws.on("close", (code) => this.closed(ws, code));
  }

  private async opened(ws: WebSocket): Promise<void> {
    this.triedFresh = false;
    this.startPings(ws);
    try {
      await this.opts.onOpen?.();
    } catch (err) {
      if (this.ws === ws && ws.readyState === WebSocket.OPEN) {
        this.pendingFailure = failureOf(err);
        ws.terminate();
      }
      return;
    }
    if (this.ws !== ws || ws.readyState !== WebSocket.OPEN || this.stopped) return;
    this.up = true;
    CallControlSocket.open++;
    this.failures = 0;
    const events: MonitorEvent[] = [];
    if (this.downSince !== undefined) {
      const at = this.clock.now();
      const downtimeMs = Math.max(0, at - this.downSince);
      events.push({ topic: "pbx.up", payload: { downtime: Math.round(downtimeMs / 1000), downtimeMs, since: new Date(this.downSince).toISOString(), at: new Date(at).toISOString() } });
      this.downSince = undefined;
    }
    // pbx.up before the state: a listener holding the resync's events until the PBX is up sees them in that order.
    if (events.length > 0) this.opts.onEvents(events);
    this.opts.onState({ kind: "connected" });
  }

  private closed(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    this.stopPings();
    this.markDown();
    this.opts.onClose?.();
    if (this.stopped) return;
    const failure = this.pendingFailure ?? new SocketFailure("DISCONNECTED", `Call Control WebSocket: the connection was closed (code ${code})`);
    this.pendingFailure = undefined;
    this.failed(failure);
  }

  /** Leaves the up state; true if it was up. */
  private markDown(): boolean {
    if (!this.up) return false;
    this.up = false;
    CallControlSocket.open--;
    return true;
  }

  private failed(f: SocketFailure): void {
    // A refused token may just be stale: one immediate try with a fresh one, no outage yet.
    if (f.code === "AUTH" && f.status !== undefined && !this.triedFresh) {
      this.triedFresh = true;
      this.freshNext = true;
      void this.connect();
      return;
    }
    this.failures++;
    const retryInMs = this.delayMs();
    if (this.downSince === undefined) {
      this.downSince = this.clock.now();
      this.opts.onEvents([{ topic: "pbx.down", payload: { reason: f.message, code: f.code, since: new Date(this.downSince).toISOString() } }]);
    }
    this.opts.onState({ kind: "reconnecting", code: f.code, reason: f.message, retryInMs });
    this.schedule(retryInMs);
  }

  private delayMs(): number {
    const base = this.opts.baseDelayMs ?? 1000;
    const cap = Math.max(base, this.opts.maxDelayMs ?? 60000);
    const full = Math.min(cap, base * 2 ** Math.min(this.failures - 1, 30));
    return Math.round(full * (0.5 + this.random() * 0.5));
  }

  private schedule(ms: number): void {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.connect();
    }, ms);
  }

  private startPings(ws: WebSocket): void {
    const every = this.opts.pingIntervalMs ?? 15000;
    if (every <= 0) return;
    this.awaitingPong = false;
    const tick = (): void => {
      if (this.ws !== ws) return;
      if (this.awaitingPong) {
        this.pendingFailure = new SocketFailure("TIMEOUT", "Call Control WebSocket: the PBX stopped answering pings");
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      ws.ping();
      this.pingTimer = this.clock.setTimeout(tick, every);
    };
    this.pingTimer = this.clock.setTimeout(tick, every);
  }

  private stopPings(): void {
    this.clock.clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
  }
}
