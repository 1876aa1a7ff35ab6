/**
 * The PBX's own numbers, cached from its list methods (SPEC §4 NOT_FOUND): which extensions,
 * queues, ring groups and IVRs exist. One per config node. A list is read the first time it is
 * needed, refreshed in the background once it is older than `refreshMs` (the answer then uses the
 * cached list, so nobody waits), and read again once before a number is refused, so a number made
 * a moment ago by anyone still works. Reads running at the same time are shared.
 *
 * When a list cannot be read (PBX down, an answer without the list) the directory does not know,
 * and says so (`undefined`): the caller then sends the request and lets the PBX answer.
 */
import type { PickList } from "../catalog";

export type DirectoryKind = Extract<PickList, "extension" | "queue" | "group" | "ivr">;

/** The list method for each kind, and the key of its answer that holds the numbers. */
export const DIRECTORY_LISTS: Readonly<Record<DirectoryKind, { readonly method: string; readonly key: string }>> = {
  extension: { method: "all.ext.get", key: "nums" },
  queue: { method: "all.queue.get", key: "nums" },
  group: { method: "all.group.get", key: "nums" },
  ivr: { method: "all.ivr.get", key: "nums" },
};

export function isDirectoryKind(kind: unknown): kind is DirectoryKind {
  return typeof kind === "string" && Object.prototype.hasOwnProperty.call(DIRECTORY_LISTS, kind);
}

/** Reads one list method's answer; `background`: nobody waits for it (a refresh). */
export type ListReader = (method: string, background: boolean) => Promise<unknown>;

export interface DirectoryOptions {
  /** A list older than this is refreshed in the background on its next use (default 60 s). */
  readonly refreshMs?: number;
  /** The clock (ms); tests pass a fake one. */
  readonly now?: () => number;
}

export const DEFAULT_REFRESH_MS = 60_000;

interface Read {
  readonly startedAt: number;
  readonly done: Promise<void>;
}

interface List {
  /** The numbers of the last good read; undefined before one, or when the last read failed. */
  nums?: Set<string>;
  /** When the read that gave `nums` (or failed) started. */
  startedAt: number;
  /** The last read failed: not read again for `refreshMs` (a PBX without lists costs no extra request per write). */
  failed?: boolean;
  reading?: Read;
}

export class Directory {
  readonly #read: ListReader;
  readonly #refreshMs: number;
  readonly #now: () => number;
  readonly #lists = new Map<DirectoryKind, List>();
  /** List requests sent (for tests and the benchmark: the load this adds to the PBX). */
  reads = 0;

  constructor(read: ListReader, opts: DirectoryOptions = {}) {
    this.#read = read;
    this.#refreshMs = opts.refreshMs ?? DEFAULT_REFRESH_MS;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** true: the PBX has it; false: its list does not, even read again just now; undefined: unknown. */
  async has(kind: DirectoryKind, num: string): Promise<boolean | undefined> {
    const asked = this.#now();
    const list = this.#list(kind);
    if (list.nums === undefined) {
      if (list.failed && asked - list.startedAt < this.#refreshMs) return undefined;
      await this.#fresh(kind, list, asked);
    } else if (asked - list.startedAt >= this.#refreshMs && !list.reading) void this.#start(kind, list, true).done;
    if (list.nums === undefined) return undefined;
    if (list.nums.has(num)) return true;
    // Read again once before refusing: the number may have been made since the last read.
    await this.#fresh(kind, list, asked);
    return list.nums === undefined ? undefined : list.nums.has(num);
  }

  /** A number this config node just created or deleted (ext.new, queue.del…): known at once. */
  note(kind: DirectoryKind, num: string, exists: boolean): void {
    const nums = this.#lists.get(kind)?.nums;
    if (!nums) return;
    if (exists) nums.add(num);
    else nums.delete(num);
  }

  #list(kind: DirectoryKind): List {
    let list = this.#lists.get(kind);
    if (!list) this.#lists.set(kind, (list = { startedAt: -Infinity }));
    return list;
  }

  /** Waits for a read that started at or after `asked` (one already under way, or a new one). */
  async #fresh(kind: DirectoryKind, list: List, asked: number): Promise<void> {
    if (list.startedAt >= asked) return;
    const read = list.reading && list.reading.startedAt >= asked ? list.reading : this.#start(kind, list, false);
    await read.done;
  }

  #start(kind: DirectoryKind, list: List, background: boolean): Read {
    const startedAt = this.#now();
    const source = DIRECTORY_LISTS[kind];
    this.reads++;
    const done = this.#read(source.method, background).then(
      (answer) => {
        const raw = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>)[source.key] : undefined;
        return Array.isArray(raw) ? new Set(raw.filter((v) => typeof v === "string" || typeof v === "number").map(String)) : undefined;
      },
      () => undefined,
    ).then((nums) => {
      // A later read may have finished first: keep the newest.
      if (startedAt < list.startedAt) return;
      list.nums = nums;
      list.failed = nums === undefined;
      list.startedAt = startedAt;
      if (list.reading === read) list.reading = undefined;
    });
    const read: Read = { startedAt, done };
    list.reading = read;
    return read;
  }
}
