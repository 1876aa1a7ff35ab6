/**
 * A fake clock and a scripted PBX behind the PollClient interface, for the poll engine's unit tests:
 * simulated hours run in a second, and every request is logged with its (fake) start time.
 */
import type { Clock, PollClient } from "../../src/monitor";
import { callsinfo, extState, members, type CallSpec } from "./fixtures";

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  t = Date.parse("2025-01-01T10:00:00Z");
  readonly #timers = new Map<number, Timer>();
  #seq = 0;

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { id, at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(h: unknown): void {
    this.#timers.delete(h as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Runs every timer due within `ms`, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      let next: Timer | undefined;
      for (const tm of this.#timers.values()) if (!next || tm.at < next.at || (tm.at === next.at && tm.id < next.id)) next = tm;
      if (!next || next.at > end) break;
      this.#timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await flush();
  }
}

export interface Hit {
  readonly at: number;
  readonly method: string;
  readonly num?: string;
}

class CodedError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** The PBX's state as the test sets it; answers after `latencyMs` of fake time. */
export class FakePbx implements PollClient {
  calls: CallSpec[] = [];
  readonly ext = new Map<string, Record<string, unknown>>();
  readonly queues = new Map<string, Array<[string, boolean]>>();
  latencyMs = 30;
  /** A failure to answer with instead (every method), or per method. */
  down: string | undefined;
  failing: ((method: string, num: string | undefined) => string | undefined) | undefined;
  readonly hits: Hit[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly clock: FakeClock, extensions: Iterable<string> = []) {
    for (const n of extensions) this.ext.set(n, extState(n));
  }

  setExt(num: string, over: Record<string, unknown>): void {
    this.ext.set(num, { ...(this.ext.get(num) ?? extState(num)), ...over });
  }

  count(method: string, num?: string): number {
    return this.hits.filter((h) => h.method === method && (num === undefined || h.num === num)).length;
  }

  call(method: string, params: Readonly<Record<string, string>>, opts: { signal?: AbortSignal } = {}): Promise<{ data: unknown }> {
    const num = params.num;
    this.hits.push({ at: this.clock.now(), method, ...(num !== undefined ? { num } : {}) });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.clock.clearTimeout(timer);
        this.inFlight--;
        reject(new CodedError("ABORTED", `${method} aborted`));
      };
      const timer = this.clock.setTimeout(() => {
        opts.signal?.removeEventListener("abort", onAbort);
        this.inFlight--;
        const code = this.down ?? this.failing?.(method, num);
        if (code) return reject(new CodedError(code, `${method} failed (${code})`));
        const data = this.answer(method, num);
        if (data === undefined) reject(new CodedError("HTTP_404", `${method} failed: 404 (unknown ${num})`));
        else resolve({ data });
      }, this.latencyMs);
      opts.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private answer(method: string, num: string | undefined): unknown {
    if (method === "pbx.callsinfo.get") return callsinfo(...this.calls);
    if (method === "ext.state.get") return this.ext.get(num ?? "");
    if (method === "queue.members.get") {
      const list = this.queues.get(num ?? "");
      return list && members(...list);
    }
    return { method, num };
  }
}

/** "100".."199"-style lists. */
export function range(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(from + i));
}
