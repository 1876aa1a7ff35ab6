/**
 * The V20 event feed of one PBX: socket messages in, SPEC events out. An Upsert carries only the
 * entity's path, so it is followed by a GET of that path; a Remove needs none. GETs of one path run
 * one at a time and Upserts that arrive meanwhile are folded into one more GET (the answer is the
 * state now, whatever number of changes led to it), so a busy participant costs the PBX at most two
 * requests in flight. After every (re)connect `resync` reads `GET /callcontrol`; messages that arrive
 * while it is read are held and applied after it, in order. A gap in the messages' `sequence`
 * (whether it means lost events is not documented: v20.md §11.8) is answered with one such read,
 * at most once per `gapResyncMs`: if events were lost the state is repaired (the tracker emits only
 * what really changed), and if gaps are normal on a build it costs one request a minute. No
 * Node-RED in here.
 */
import type { MonitorEvent } from "../types";
import { parseEntityPath, parseWsMessage, readDevice, readDnList, readParticipant } from "./parse";
import { CallTracker } from "./tracker";
import type { WsEvent } from "./types";

/** The REST side of Call Control, as the feed needs it (the V20 backend's client provides it). */
export interface CallControlReader {
  /** `GET {path}`; resolves `null` when the PBX answers 404 (the entity is gone). */
  entity(path: string, signal: AbortSignal): Promise<unknown>;
  /** `GET /callcontrol`: every monitored DN with its devices and participants. */
  all(signal: AbortSignal): Promise<unknown>;
}

export interface FeedOptions {
  readonly reader: CallControlReader;
  readonly tracker?: CallTracker;
  onEvents(events: readonly MonitorEvent[]): void;
  /** A GET after an event failed and so did the full read after it: the caller reconnects. */
  onLost?(err: unknown): void;
  /** The shortest time between two reads for sequence gaps (default 60 s). */
  readonly gapResyncMs?: number;
  /** Time for that spacing (default Date.now). */
  now?(): number;
}

export const GAP_RESYNC_MS = 60_000;

/** What the feed has done, for the status and the benchmark (requests sent to the PBX). */
export interface FeedStats {
  messages: number;
  entityReads: number;
  fullReads: number;
  ignored: number;
  /** Messages whose sequence skipped numbers after the one before. */
  gaps: number;
}

/** `GET /callcontrol` did not answer a list. */
export class BadCallControlAnswer extends Error {
  readonly code = "BAD_RESPONSE";
}

interface PathWork {
  /** Another Upsert came while the GET was out: read once more when it is back. */
  again: boolean;
}

export class V20Feed {
  readonly tracker: CallTracker;
  readonly stats: FeedStats = { messages: 0, entityReads: 0, fullReads: 0, ignored: 0, gaps: 0 };
  private readonly opts: FeedOptions;
  private readonly busy = new Map<string, PathWork>();
  /** Messages held while a resync is read (null when none is). */
  private held: WsEvent[] | null = [];
  private controller = new AbortController();
  private stopped = false;
  private resyncing: Promise<void> | undefined;
  /** The highest sequence seen on this connection, and when a gap last led to a read. */
  private lastSeq: number | undefined;
  private lastGapRead = -Infinity;

  constructor(opts: FeedOptions) {
    this.opts = opts;
    this.tracker = opts.tracker ?? new CallTracker();
  }

  /** GETs (entity reads) in flight now. */
  get inFlight(): number {
    return this.busy.size;
  }

  /** One text message from the socket. */
  message(data: string): void {
    if (this.stopped) return;
    this.stats.messages++;
    const ev = parseWsMessage(data);
    if (!ev || (ev.type !== "upsert" && ev.type !== "remove") || !parseEntityPath(ev.entity)) {
      this.stats.ignored++;
      return;
    }
    if (this.held) this.held.push(ev);
    else this.apply(ev);
    if (ev.sequence !== undefined) this.sequenced(ev.sequence);
  }

  /** Notes a message's number; the first of a connection shows no gap (numbering may not start at 1). */
  private sequenced(seq: number): void {
    const gap = this.lastSeq !== undefined && seq > this.lastSeq + 1;
    this.lastSeq = Math.max(this.lastSeq ?? seq, seq); // a late or repeated number is no gap
    if (!gap) return;
    this.stats.gaps++;
    const now = (this.opts.now ?? Date.now)();
    if (this.resyncing || now - this.lastGapRead < (this.opts.gapResyncMs ?? GAP_RESYNC_MS)) return;
    this.lastGapRead = now;
    this.resync().catch((e: unknown) => this.opts.onLost?.(e));
  }

  /**
   * Reads the whole state and applies it (the first time as a silent baseline). Holds messages
   * until then. Rejects when the read fails or is not a list; the held messages stay held for the next try.
   */
  resync(): Promise<void> {
    this.resyncing ??= this.readAll().finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  /** The socket is gone: GETs in flight are abandoned, messages are held until the next resync. */
  disconnected(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.busy.clear();
    this.held = [];
    this.lastSeq = undefined; // numbering may start again on the next connection
  }

  stop(): void {
    this.stopped = true;
    this.disconnected();
  }

  private async readAll(): Promise<void> {
    this.held ??= [];
    const signal = this.controller.signal;
    const ord = this.tracker.stamp();
    this.stats.fullReads++;
    const raw = await this.opts.reader.all(signal);
    if (this.stopped || signal.aborted) return;
    const list = readDnList(raw);
    if (!list) throw new BadCallControlAnswer("GET /callcontrol did not answer a list of DNs");
    this.emit(this.tracker.resync(list, ord));
    const held = this.held;
    this.held = null;
    for (const ev of held) this.apply(ev);
  }

  private apply(ev: WsEvent): void {
    const parts = parseEntityPath(ev.entity)!;
    if (ev.type === "remove") {
      const events = parts.kind === "participants" ? this.tracker.remove(ev.entity) : this.tracker.removeDevice(ev.entity);
      this.emit(events);
      return;
    }
    const work = this.busy.get(ev.entity);
    if (work) work.again = true;
    else this.read(ev.entity, parts.kind);
  }

  private read(path: string, kind: "participants" | "devices"): void {
    const work: PathWork = { again: false };
    this.busy.set(path, work);
    const signal = this.controller.signal;
    const ord = this.tracker.stamp();
    this.stats.entityReads++;
    this.opts.reader.entity(path, signal).then(
      (raw) => {
        if (signal.aborted || this.stopped) return;
        this.busy.delete(path);
        this.emit(this.applyRead(path, kind, raw, ord));
        if (work.again) this.read(path, kind);
      },
      (err: unknown) => {
        if (signal.aborted || this.stopped) return;
        this.busy.delete(path);
        // The change is unknown now: read everything again rather than miss it.
        this.held ??= [];
        this.resync().catch((e: unknown) => this.opts.onLost?.(e ?? err));
      },
    );
  }

  private applyRead(path: string, kind: "participants" | "devices", raw: unknown, ord: number): MonitorEvent[] {
    if (kind === "devices") {
      const d = raw === null ? undefined : readDevice(raw);
      return d ? this.tracker.upsertDevice(d, ord) : raw === null ? this.tracker.removeDevice(path, ord) : [];
    }
    const p = raw === null ? undefined : readParticipant(raw);
    if (p) return this.tracker.upsert(p, ord);
    // 404: it ended before we could read it. An unreadable body tells nothing: keep what we had.
    return raw === null ? this.tracker.remove(path, ord) : [];
  }

  private emit(events: readonly MonitorEvent[]): void {
    if (events.length > 0) this.opts.onEvents(events);
  }
}
