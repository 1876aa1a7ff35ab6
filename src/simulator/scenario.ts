/**
 * Scenario mode: every `intervalMs` one pseudo-random action from a seeded PRNG — an inbound call to
 * a queue, ring group or extension (answered, or missed with `missedRatio`), an outbound or internal
 * call, an agent logging in or out of a queue, or a forwarding profile change; every other action
 * is a call to the next queue in turn, which waits there 1-3 × `ringMs` (so a wallboard's tiles
 * all move within a minute). Calls ring for `ringMs` and talk for `talkMs` ±50 %. With the same
 * seed the same actions come in the same order.
 */
import { FORWARDING_PROFILES } from "../catalog";
import type { PbxState } from "./pbx/state";
import { seededRandom, type Timers } from "./timers";
import type { ScenarioControl, ScenarioOptions } from "./types";

const DEFAULTS: Required<ScenarioOptions> = { intervalMs: 5000, ringMs: 4000, talkMs: 20000, seed: 1, missedRatio: 0.2 };
const MAX_HISTORY = 1000;

export class Scenario implements ScenarioControl {
  /** One line per action taken, e.g. "inbound 420774852529 -> 802 (46901)". */
  readonly history: string[] = [];
  private timer?: NodeJS.Timeout;
  private opts = DEFAULTS;
  private rnd = seededRandom(1);
  private turn = 0;

  constructor(private readonly pbx: PbxState, private readonly timers: Timers) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(opts: ScenarioOptions = {}): void {
    this.stop();
    this.opts = validate({ ...DEFAULTS, ...definedOnly(opts) });
    this.rnd = seededRandom(this.opts.seed);
    this.turn = 0;
    // Calls nobody scheduled an end for (the seed's) end like the scenario's own.
    for (const c of this.pbx.calls.list()) if (c.meta.origin === "seed") this.pbx.calls.endAfter(c.callID, this.talkTime());
    this.tick();
  }

  stop(): void {
    this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.turn++ % 2 === 0) this.queueCall();
    else this.step();
    this.timer = this.timers.set(() => this.tick(), this.opts.intervalMs);
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.rnd() * items.length)];
  }

  private talkTime(): number {
    return Math.round(this.opts.talkMs * (0.5 + this.rnd()));
  }

  private externalNumber(): string {
    // Half of the callers are in the phonebook, so webhooks show a `phonebook` name now and then.
    const known = [...this.pbx.contacts.values()].map((c) => c.phone || c.data3).filter((n) => /^\d{6,}$/.test(n));
    if (this.rnd() < 0.5 && known.length > 0) return this.pick(known) ?? "";
    return `4207${String(Math.floor(this.rnd() * 1e8)).padStart(8, "0")}`;
  }

  private note(line: string): void {
    this.history.push(line);
    if (this.history.length > MAX_HISTORY) this.history.shift();
  }

  /** A caller for the next queue in turn: answered by a free agent after the wait, or missed. */
  private queueCall(): void {
    const pbx = this.pbx;
    const queues = [...pbx.queues.keys()];
    if (queues.length === 0) return this.step();
    const to = queues[Math.floor(this.turn / 2) % queues.length];
    const from = this.externalNumber();
    const missed = this.rnd() < this.opts.missedRatio;
    const timing = { ringMs: Math.round(this.opts.ringMs * (1 + 2 * this.rnd())), talkMs: this.talkTime() };
    const call = pbx.calls.inbound({ from, line: pbx.defaultLine(), target: to, ringing: pbx.whoRings(to), autoAnswer: !missed, timing, origin: "scenario" });
    this.note(`inbound ${from} -> ${to}${missed ? " (missed)" : ""} (${call.callID})`);
  }

  private step(): void {
    const pbx = this.pbx;
    const r = this.rnd();
    const timing = { ringMs: this.opts.ringMs, talkMs: this.talkTime() };
    const freeExts = [...pbx.extensions.keys()].filter((n) => pbx.isFree(n));
    if (r < 0.45) {
      const to = this.pick([...pbx.queues.keys(), ...pbx.ringGroups.keys(), ...freeExts.slice(0, 3)]);
      if (to === undefined) return;
      const from = this.externalNumber();
      const missed = this.rnd() < this.opts.missedRatio;
      const call = pbx.calls.inbound({
        from, line: pbx.defaultLine(), target: to, ringing: pbx.whoRings(to), autoAnswer: !missed, timing, origin: "scenario",
      });
      this.note(`inbound ${from} -> ${to}${missed ? " (missed)" : ""} (${call.callID})`);
    } else if (r < 0.65 || (r < 0.75 && freeExts.length < 2)) {
      const from = this.pick(freeExts);
      if (from === undefined) return;
      const to = this.externalNumber();
      const missed = this.rnd() < this.opts.missedRatio;
      const call = pbx.calls.makeCall(from, to, timing, "scenario", !missed);
      this.note(`outbound ${from} -> ${to}${missed ? " (missed)" : ""} (${call.callID})`);
    } else if (r < 0.75) {
      const from = this.pick(freeExts) ?? "";
      const to = this.pick(freeExts.filter((n) => n !== from));
      if (to === undefined) return;
      const call = pbx.calls.makeCall(from, to, timing, "scenario", true);
      this.note(`internal ${from} -> ${to} (${call.callID})`);
    } else if (r < 0.88) {
      const q = this.pick([...pbx.queues.values()]);
      const agent = q && this.pick(q.agents);
      const e = agent && pbx.extensions.get(agent.num);
      if (!q || !e) return;
      const on = !(e.queueLogin[q.num] ?? false);
      pbx.setQueueLogin(e, q.num, on);
      this.note(`agent ${e.num} ${on ? "logs in to" : "logs out of"} ${q.num}`);
    } else {
      const e = this.pick([...pbx.extensions.values()]);
      if (!e) return;
      // Mostly back to Available, so extensions do not drift into DND for good.
      e.fwdName = this.rnd() < 0.5 ? "Available" : this.pick(FORWARDING_PROFILES)?.value ?? "Available";
      this.note(`extension ${e.num} profile ${e.fwdName}`);
    }
  }
}

/** Options may come as JSON through the control API: a bad one must not become a busy loop. */
function validate(o: Required<ScenarioOptions>): Required<ScenarioOptions> {
  const check = (k: keyof ScenarioOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = o[k];
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) throw new TypeError(`scenario: ${k} must be a number from ${min} to ${max}`);
  };
  check("intervalMs", 1);
  check("ringMs", 0);
  check("talkMs", 0);
  check("seed", 0);
  check("missedRatio", 0, 1);
  return o;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
