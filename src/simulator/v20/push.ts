/**
 * The simulated Call Control WebSocket (`/callcontrol/ws`, v20.md §3): Bearer auth on the upgrade,
 * then, on every change of the PBX, one message per entity that changed, in the wire's snake_case
 * envelope `{sequence, event:{event_type, entity, attached_data}}`: 0 Upsert (added or changed,
 * path only, as the PBX sends it), 1 Remove. Changes are found by comparing the entities now with
 * those last announced, so every way the PBX changes (scenario, WebAPI, Call Control, control API)
 * is pushed the same. It can drop every socket, and close the sockets whose token is no longer
 * accepted (an expired or revoked token), on request. Shares no code with the client.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";

export interface PushOptions {
  /** Whether an Authorization header carries a live token of the API client. */
  accepts(authorization: string | undefined): boolean;
  /** Every participant and device now, by path (`/callcontrol/{dn}/participants/{id}`, `…/devices/{id}`). */
  entities(): Iterable<readonly [path: string, entity: unknown]>;
}

export interface PushStats {
  upgrades: number;
  refused: number;
  /** Messages sent (one per entity change per socket). */
  sent: number;
  /** Messages numbered but not sent (`lose`). */
  lost: number;
}

interface Client {
  readonly ws: WebSocket;
  readonly authorization: string;
  sequence: number;
  /** Messages still to be lost: numbered, not sent (`lose`). */
  losing: number;
}

export const PUSH_PATH = "/callcontrol/ws";

export class CallControlPush {
  readonly stats: PushStats = { upgrades: 0, refused: 0, sent: 0, lost: 0 };
  private readonly opts: PushOptions;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly clients = new Set<Client>();
  /** Each entity's JSON as last announced. */
  private known = new Map<string, string>();
  private pending = false;
  private closed = false;

  constructor(opts: PushOptions) {
    this.opts = opts;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Handles a server's `upgrade`; false when the path is not the Call Control socket (not ours). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? "").split("?")[0];
    if (path !== PUSH_PATH) return false;
    const authorization = req.headers.authorization ?? "";
    if (this.closed || !this.opts.accepts(authorization)) {
      this.stats.refused++;
      socket.end("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.stats.upgrades++;
      if (this.clients.size === 0) this.known = this.current(); // what a new listener is told about starts now
      const client: Client = { ws, authorization, sequence: 0, losing: 0 };
      this.clients.add(client);
      ws.on("close", () => this.clients.delete(client));
      ws.on("error", () => ws.terminate());
    });
    return true;
  }

  /** The PBX changed: announce what differs, once, after the current turn (several changes, one pass). */
  changed(): void {
    if (this.pending || this.closed) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.flush();
    });
  }

  /** Compares now with what was announced and sends the differences to every socket. */
  flush(): void {
    const now = this.current();
    const messages: Array<[number, string]> = [];
    for (const [path, json] of now) if (this.known.get(path) !== json) messages.push([0, path]);
    for (const path of this.known.keys()) if (!now.has(path)) messages.push([1, path]);
    this.known = now;
    if (messages.length === 0) return;
    for (const c of this.clients) {
      for (const [type, entity] of messages) {
        const sequence = ++c.sequence;
        if (c.losing > 0) {
          c.losing--; // lost on the way: its number is used, the listener sees a gap
          this.stats.lost++;
          continue;
        }
        c.ws.send(JSON.stringify({ sequence, event: { event_type: type, entity, attached_data: null } }));
        this.stats.sent++;
      }
    }
  }

  /** The next `count` messages to every open socket are lost: numbered but not sent (0: none more). */
  lose(count: number): number {
    for (const c of this.clients) c.losing = count;
    return this.clients.size;
  }

  /** Cuts every socket without a close frame (a network loss). */
  dropAll(): number {
    const n = this.clients.size;
    for (const c of this.clients) c.ws.terminate();
    return n;
  }

  /** Closes the sockets whose token the PBX no longer accepts (after it expired or was revoked). */
  closeExpired(): number {
    let n = 0;
    for (const c of this.clients) {
      if (this.opts.accepts(c.authorization)) continue;
      c.ws.close(1008, "token expired");
      n++;
    }
    return n;
  }

  close(): void {
    this.closed = true;
    this.dropAll();
    this.wss.close();
  }

  private current(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [path, entity] of this.opts.entities()) out.set(path, JSON.stringify(entity));
    return out;
  }
}
