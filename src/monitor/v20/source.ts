/**
 * One PBX's V20 event source, shared by all the monitors of its config node: one socket, one feed,
 * one tracker. The first subscriber starts it, the last one leaving stops it (so a redeploy that
 * replaces every monitor closes the old socket before, or while, the new one opens). Each
 * subscriber gets every event and the socket's state; filtering by watch list is the monitor's.
 */
import type { MonitorEvent } from "../types";
import { systemClock } from "./clock";
import { V20Feed, type CallControlReader, type FeedStats } from "./feed";
import { CallControlSocket, SocketFailure, type SocketOptions, type SocketState } from "./socket";
import { CallTracker } from "./tracker";

export interface V20Subscriber {
  onEvents(events: readonly MonitorEvent[]): void;
  onState(state: SocketState): void;
}

export type V20SourceOptions = Omit<SocketOptions, "onMessage" | "onOpen" | "onClose" | "onEvents" | "onState"> & {
  readonly reader: CallControlReader;
};

export class V20Source {
  private readonly opts: V20SourceOptions;
  private readonly subscribers = new Set<V20Subscriber>();
  private socket: CallControlSocket | undefined;
  private feed: V20Feed | undefined;
  private last: SocketState = { kind: "stopped" };
  private stopping: Promise<void> = Promise.resolve();
  private readonly held: MonitorEvent[] = [];

  constructor(opts: V20SourceOptions) {
    this.opts = opts;
  }

  get state(): SocketState {
    return this.last;
  }

  /** The requests this source sent to the PBX's REST side (0 before the first start). */
  get stats(): FeedStats | undefined {
    return this.feed?.stats;
  }

  /** The current calls and DN states (empty before the first resync). */
  snapshot(): ReturnType<CallTracker["snapshot"]> {
    return this.feed?.tracker.snapshot() ?? { calls: [], extensions: {} };
  }

  /** Adds a listener (starting the socket for the first); the returned function removes it. */
  subscribe(s: V20Subscriber): () => Promise<void> {
    this.subscribers.add(s);
    if (!this.socket) this.start();
    else s.onState(this.last);
    return () => {
      if (!this.subscribers.delete(s) || this.subscribers.size > 0) return this.stopping;
      return this.stop();
    };
  }

  private start(): void {
    const clock = this.opts.clock ?? systemClock;
    const feed = new V20Feed({
      reader: this.opts.reader,
      tracker: new CallTracker({ now: () => clock.now() }),
      now: () => clock.now(),
      onEvents: (events) => this.fromFeed(events),
      onLost: (err) => socket.restart(new SocketFailure("PBX_ERROR", `Call Control: reading the state failed (${err instanceof Error ? err.message : "unknown error"})`)),
    });
    const socket = new CallControlSocket({
      ...this.opts,
      onMessage: (data) => feed.message(data),
      onOpen: () => feed.resync(),
      onClose: () => feed.disconnected(),
      onEvents: (events) => {
        this.broadcast(events);
        if (socket.connected) this.flush();
      },
      onState: (state) => {
        this.last = state;
        for (const s of this.subscribers) s.onState(state);
        if (state.kind === "connected") this.flush();
      },
    });
    this.feed = feed;
    this.socket = socket;
    socket.start();
  }

  private stop(): Promise<void> {
    const socket = this.socket;
    this.feed?.stop();
    this.socket = undefined;
    this.held.length = 0;
    this.stopping = socket ? socket.stop() : Promise.resolve();
    return this.stopping;
  }

  /** The resync's events come before the socket is up: they wait for pbx.up, so a flow sees the PBX back first. */
  private fromFeed(events: readonly MonitorEvent[]): void {
    if (this.socket?.connected) this.broadcast(events);
    else this.held.push(...events);
  }

  private flush(): void {
    const held = this.held.splice(0);
    if (held.length > 0) this.broadcast(held);
  }

  private broadcast(events: readonly MonitorEvent[]): void {
    for (const s of this.subscribers) s.onEvents(events);
  }
}
