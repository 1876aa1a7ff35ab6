// queue.stats across a restart of Node-RED: a real red.js polling the simulator on 127.0.0.1, a
// few calls to a watched queue, then red.js stopped as an operator stops it (SIGINT) and started
// again on the same user directory, the same day. With a persistent context store (the README's
// `localfilesystem`) the day's counts carry on from where they were and the next call adds to
// them; with the default memory store the day starts again from zero. Figures are compared with
// the simulator's own count (GET /_sim/queues) and with what the monitor said before the restart.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startSimulator, type Simulator } from "../../src/simulator";
import type { SavedQueueStats } from "../../src/monitor";
import { deployFlows } from "../support/browser";
import { startRed, type RedProcess } from "../support/red-process";
import { Collector } from "../reliability/red-admin";
import { until } from "./support";

const KEY = "SIMKEY-restart-5e07";
const QUEUE = "820";
/** How long the caller waiting across the restart rings: longer than a restart of red.js takes. */
const RESTART_RING_MS = 4000;

interface Figures {
  calls: number;
  answered: number;
  missed: number;
  waiting: number;
}
interface Stats {
  day: string;
  at: string;
  queues: Record<string, Figures>;
}

/**
 * An IANA zone whose local time is near noon now, so that the monitor's day cannot roll over at
 * midnight in the middle of the test (Etc/GMT-10 is UTC+10: the sign is POSIX's).
 */
function noonZone(now = new Date()): string {
  const offset = 12 - now.getUTCHours(); // -11 … +12
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

const counts = (f: Figures | undefined): [number, number, number] => [f?.calls ?? -1, f?.answered ?? -1, f?.missed ?? -1];

describe("3cx-monitor queue.stats across a restart of Node-RED (real red.js + simulator)", function () {
  this.timeout(60000);
  let sim: Simulator;
  let collector: Collector;
  let red: RedProcess | undefined;

  before(async () => {
    sim = await startSimulator({ httpsPort: false, accessKey: KEY });
    collector = await Collector.start();
  });
  beforeEach(async () => {
    await sim.reset();
    collector.bodies.length = 0;
  });
  afterEach(async () => {
    await red?.stop();
    red = undefined;
  });
  after(async () => {
    await collector?.close();
    await sim?.close();
  });

  function flows(): unknown[] {
    return [
      { id: "t1", type: "tab", label: "stats restart" },
      { id: "cfg", type: "3cx-config", name: "sim", fqdn: sim.httpUrl, timeout: 2000, maxConcurrent: 4, credentials: { accessKey: KEY } },
      { id: "mon", z: "t1", type: "3cx-monitor", name: "", server: "cfg", source: "poll", interval: 0.1, queues: QUEUE, statsInterval: 0.2, timeZone: noonZone(), wires: [["fn"]] },
      // Only queue.stats leaves the flow, as {topic, payload}, to the collector.
      { id: "fn", z: "t1", type: "function", name: "", func: "if (msg.topic !== 'queue.stats') return null;\nmsg.payload = { topic: msg.topic, payload: msg.payload };\nreturn msg;", outputs: 1, wires: [["post"]] },
      collector.node("post", "t1"),
    ];
  }

  /** The queue.stats received so far (newest last). */
  const received = (): Stats[] =>
    collector.bodies.map((b) => JSON.parse(b) as { topic: string; payload: Stats }).filter((m) => m.topic === "queue.stats").map((m) => m.payload);

  const truth = async (): Promise<Figures> =>
    ((await (await fetch(`${sim.httpUrl}/_sim/queues`)).json()) as { queues: Record<string, Figures> }).queues[QUEUE];

  /** The first queue.stats whose figures for QUEUE satisfy `ok`, made after `since` (ms). */
  async function statsWhere(since: number, ok: (f: Figures) => boolean, what: string): Promise<Stats> {
    let found: Stats | undefined;
    try {
      await until(() => (found = received().find((s) => Date.parse(s.at) > since && s.queues[QUEUE] !== undefined && ok(s.queues[QUEUE]))) !== undefined, 10000, what);
    } catch (err) {
      const all = received();
      throw new Error(`${(err as Error).message}; the last queue.stats: ${JSON.stringify(all[all.length - 1]?.queues[QUEUE])}; the simulator's: ${JSON.stringify(await truth())}`);
    }
    return found as Stats;
  }

  /** Until the simulator's call has ended (the seed's example calls stay: they are not in a queue). */
  const gone = (callID: number, ms: number): Promise<void> =>
    until(() => !sim.pbx.calls.list().some((c) => c.callID === callID), ms, `call ${callID} to end`);

  /** One caller to QUEUE, answered by an agent or missed; resolves when the call has ended. */
  async function call(answer: boolean, n: number): Promise<void> {
    // Ringing well over one poll interval: polling must see the caller waiting to count the call.
    const c = sim.pbx.inboundCall({ from: `42077400${String(n).padStart(4, "0")}`, to: QUEUE, answer, timing: { ringMs: 500, talkMs: 300 } });
    await gone(c.callID, 10000);
  }

  /** Starts red.js with `settings`, plays an answered, a missed and an answered call; returns the figures the monitor then reports (equal to the simulator's). */
  async function dayWithCalls(settings: Record<string, unknown>): Promise<{ stats: Stats; red: RedProcess }> {
    const r = await startRed({ settings });
    red = r;
    await deployFlows(r.url, flows());
    await statsWhere(0, () => true, "a first queue.stats");
    for (const [i, answer] of [true, false, true].entries()) await call(answer, i);
    const want = await truth();
    assert.deepEqual([want.answered, want.missed], [2, 1], "the simulator counted the calls played");
    const stats = await statsWhere(Date.now(), (f) => f.waiting === 0 && counts(f).join() === counts(want).join(), "queue.stats equal to the simulator's count");
    return { stats, red: r };
  }

  /**
   * A day's calls, a caller waiting in the queue, a graceful restart while it waits, one more call:
   * the counts carry on from where they were, the waiting caller is counted once and its answer after the restart.
   */
  async function carriesOver(store: Record<string, unknown>): Promise<void> {
    const started = Date.now();
    const { stats: done, red: r } = await dayWithCalls({ contextStorage: { default: store } });
    // Rings for longer than red.js takes to restart, talks for a while after.
    const waiting = sim.pbx.inboundCall({ from: "420774009999", to: QUEUE, answer: true, timing: { ringMs: RESTART_RING_MS, talkMs: 1500 } });
    const before = await statsWhere(Date.now(), (f) => f.waiting === 1, "the caller seen waiting");
    assert.equal(before.queues[QUEUE].calls, done.queues[QUEUE].calls + 1);
    const down = Date.now();
    let saved: SavedQueueStats | undefined;
    await r.restart(() => {
      // What the store holds while red.js is down (localfilesystem writes its cache on close, else every 30 s).
      saved = (JSON.parse(fs.readFileSync(path.join(r.userDir, "context", "t1", "mon.json"), "utf8")) as { queueStats: SavedQueueStats }).queueStats;
    });
    const restartMs = Date.now() - down;
    assert.deepEqual(counts(saved?.totals[QUEUE] as unknown as Figures), counts(before.queues[QUEUE]), "the figures on disk");
    assert.equal(Object.keys(saved?.live ?? {}).length, 1, "the waiting caller on disk");
    const restartedAt = Date.now();
    const after = await statsWhere(restartedAt, () => true, "a queue.stats after the restart");
    assert.equal(after.day, before.day, "the same local day");
    assert.deepEqual(counts(after.queues[QUEUE]), counts(before.queues[QUEUE]), "the counts carried over the restart");
    assert.doesNotMatch(r.log(), /statistics are off|\[error\] \[3cx-monitor/, "no error from the monitor");
    await gone(waiting.callID, 15000);
    await call(true, 9);
    const want = await truth();
    assert.equal(want.calls, done.queues[QUEUE].calls + 2, "the simulator counted two calls more");
    await statsWhere(restartedAt, (f) => f.waiting === 0 && counts(f).join() === counts(want).join(), "today's counts equal the simulator's, restart included");
    console.log(`      (${Date.now() - started} ms in all; red.js restarted in ${restartMs} ms)`);
  }

  it("localfilesystem store (the README's): after a graceful restart the day's counts carry on, the next call adds to them", async () => {
    await carriesOver({ module: "localfilesystem" });
  });

  it("localfilesystem without its cache (an asynchronous store, as Redis is): the same", async () => {
    await carriesOver({ module: "localfilesystem", config: { cache: false } });
  });

  it("default memory store: a restart starts the day from zero; the next call counts from there", async () => {
    const { stats: before, red: r } = await dayWithCalls({});
    const truthBefore = await truth();
    await r.restart();
    const restartedAt = Date.now();
    const after = await statsWhere(restartedAt, () => true, "a queue.stats after the restart");
    assert.equal(after.day, before.day, "the same local day");
    assert.ok(before.queues[QUEUE].calls > 0, "there was something to lose");
    assert.deepEqual(counts(after.queues[QUEUE]), [0, 0, 0], "the help: with the memory store a restart starts the day at zero");
    await call(true, 9);
    const want = await truth();
    const next = await statsWhere(restartedAt, (f) => f.waiting === 0 && f.answered > 0, "the call after the restart answered");
    assert.deepEqual(counts(next.queues[QUEUE]), [want.calls - truthBefore.calls, want.answered - truthBefore.answered, want.missed - truthBefore.missed], "only the call after the restart");
  });
});
