// The shared poll engine on its own: a fake clock and a scripted PBX (the real client and the
// simulator are exercised through Node-RED in the monitor node tests).
import assert from "node:assert/strict";
import { PollEngine, type EngineState, type MonitorEvent, type Subscription, type WatchRequest } from "../../src/monitor";
import { FakeClock, FakePbx, range } from "./fake-pbx";

interface Probe {
  readonly events: MonitorEvent[];
  readonly states: EngineState[];
  readonly refused: string[];
  of(topic: string): MonitorEvent[];
  readonly last: EngineState | undefined;
}

function probe(): Probe & Pick<WatchRequest, "onEvents" | "onState" | "onEntryRefused"> {
  const events: MonitorEvent[] = [];
  const states: EngineState[] = [];
  const refused: string[] = [];
  return {
    events,
    states,
    refused,
    of: (topic) => events.filter((e) => e.topic === topic),
    get last() {
      return states[states.length - 1];
    },
    onEvents: (evs) => void events.push(...evs),
    onState: (s) => void states.push(s),
    onEntryRefused: (kind, num) => void refused.push(`${kind}:${num}`),
  };
}

/** Most requests started within any `windowMs` (sliding), over the hits given. */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j] - t[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe("monitor: the shared poll engine (fake clock)", function () {
  this.timeout(30000);
  let clock: FakeClock;
  let pbx: FakePbx;
  let engine: PollEngine;
  const subs: Subscription[] = [];

  function setup(exts: string[], opts: { pollBudget?: number } = {}): void {
    clock = new FakeClock();
    pbx = new FakePbx(clock, exts);
    engine = new PollEngine({ client: pbx, clock, ...opts });
  }

  function watch(p: ReturnType<typeof probe>, w: Partial<WatchRequest>): Subscription {
    const sub = engine.subscribe({ intervalMs: 2000, extensions: [], queues: [], ...p, ...w });
    subs.push(sub);
    return sub;
  }

  afterEach(async () => {
    await engine.close();
    subs.length = 0;
    assert.equal(PollEngine.active, 0);
  });

  it("the union of watch lists: calls once per (shortest) interval, each entry once per period", async () => {
    setup(range(100, 3));
    const a = probe();
    const b = probe();
    watch(a, { intervalMs: 2000, extensions: ["100", "101"] });
    watch(b, { intervalMs: 5000, extensions: ["101", "102"] });
    await clock.advance(60_000);
    const calls = pbx.count("pbx.callsinfo.get");
    assert.ok(calls >= 29 && calls <= 31, `calls polled ${calls} times in 60 s at 2 s`);
    for (const [num, every] of [["100", 2000], ["101", 2000], ["102", 5000]] as const) {
      const n = pbx.count("ext.state.get", num);
      const want = 60_000 / every;
      assert.ok(n >= want - 1 && n <= want + 1, `ext ${num} read ${n} times, want ≈ ${want}`);
    }
    assert.equal(engine.entries, 3, "101 is one entry for both monitors");
  });

  it("a simulated hour with 500 extensions: never above pollBudget in any second, round robin fair, most stale first", async () => {
    setup(range(1000, 500));
    const p = probe();
    watch(p, { intervalMs: 2000, extensions: range(1000, 500) });
    await clock.advance(3_600_000);
    const reads = pbx.hits.filter((h) => h.method === "ext.state.get");
    assert.ok(maxInWindow(reads.map((h) => h.at), 1000) <= 10, `at most 10 reads in any second, saw ${maxInWindow(reads.map((h) => h.at), 1000)}`);
    const all = maxInWindow(pbx.hits.map((h) => h.at), 1000);
    assert.ok(all <= 11, `budget + the calls poll: ${all} in a second`);
    assert.ok(reads.length >= 35_900 && reads.length <= 36_000, `${reads.length} reads (10/s for an hour)`);
    const per = new Map<string, number[]>();
    for (const h of reads) per.set(h.num!, [...(per.get(h.num!) ?? []), h.at]);
    const counts = [...per.values()].map((l) => l.length);
    const mean = reads.length / 500;
    assert.ok(counts.length === 500 && counts.every((c) => Math.abs(c - mean) <= 1.5), `fair: ${Math.min(...counts)}..${Math.max(...counts)} reads each (mean ${mean.toFixed(1)})`);
    let worstGap = 0;
    for (const times of per.values()) for (let i = 1; i < times.length; i++) worstGap = Math.max(worstGap, times[i] - times[i - 1]);
    assert.ok(worstGap <= 52_000, `each state at most ~50 s old (500 / 10 per s), worst ${worstGap} ms`);
    assert.ok(p.last?.kind === "polling" && p.last.stretched && p.last.refreshMs === 50_000, JSON.stringify(p.last));
  });

  it("with room in the budget the reads are spread over the interval, not bunched", async () => {
    setup(range(100, 10));
    watch(probe(), { intervalMs: 2000, extensions: range(100, 10) });
    await clock.advance(20_000);
    const t0 = clock.now();
    await clock.advance(10_000);
    const reads = pbx.hits.filter((h) => h.method === "ext.state.get" && h.at >= t0);
    assert.ok(reads.length >= 49 && reads.length <= 51, `${reads.length} reads in 10 s (5/s wished)`);
    assert.ok(maxInWindow(reads.map((h) => h.at), 1000) <= 7, "about 5 in any second");
  });

  it("calls first: an extension that starts ringing is read on the next tick, ahead of 100 others", async () => {
    setup(range(100, 100));
    const p = probe();
    watch(p, { intervalMs: 2000, extensions: range(100, 100) });
    await clock.advance(30_000);
    const delays: number[] = [];
    for (const num of ["150", "175", "120"]) {
      const at = clock.now();
      pbx.calls = [{ id: 9, owner: "0777", ownerType: "line", party: "0777", routingTo: [num] }];
      pbx.setExt(num, { status: "Ringing" });
      const before = p.of("extension.status").length;
      while (p.of("extension.status").length === before && clock.now() - at < 20_000) await clock.advance(50);
      delays.push(clock.now() - at);
      const ev = p.of("extension.status").at(-1)!;
      assert.equal((ev.payload as { num: string }).num, num);
      pbx.calls = [];
      pbx.setExt(num, { status: "Free" });
      await clock.advance(4000);
    }
    // The calls poll comes within 2 s, then the read goes ahead of the round robin (≤ 100 ms + 30 ms).
    assert.ok(Math.max(...delays) <= 3000, `ringing → extension.status in ${delays.join(", ")} ms (round robin alone: ~10 s)`);
  });

  it("each event once per monitor; no events for a monitor's unwatched entries", async () => {
    setup(range(100, 3));
    const a = probe();
    const b = probe();
    const c = probe();
    watch(a, { extensions: ["100"] });
    watch(b, { extensions: ["101"] });
    watch(c, { extensions: ["100", "101"] });
    await clock.advance(5000);
    pbx.calls = [{ id: 1, owner: "100", talkTo: ["101"], answeredAt: "2025-01-01T10:00:05Z" }];
    pbx.setExt("101", { fwdName: "Away" });
    await clock.advance(6000);
    pbx.calls = [];
    await clock.advance(6000);
    for (const x of [a, b, c]) {
      assert.equal(x.of("call.started").length, 1);
      assert.equal(x.of("call.answered").length, 1);
      assert.equal(x.of("call.ended").length, 1);
    }
    assert.equal(a.of("extension.status").length, 0, "a watches 100 only");
    assert.equal(b.of("extension.status").length, 1);
    assert.equal(c.of("extension.status").length, 1);
    assert.equal(pbx.count("pbx.callsinfo.get") <= 9, true, "one calls poll per interval for three monitors");
  });

  it("monitors joining and leaving: no burst for the newcomer, no gap for the others", async () => {
    setup(range(100, 3));
    const a = probe();
    watch(a, { extensions: ["100", "101"] });
    await clock.advance(5000);
    pbx.calls = [{ id: 1, owner: "100" }];
    pbx.setExt("101", { fwdName: "Away" });
    const b = probe();
    const sb = watch(b, { extensions: ["101", "102"] }); // joins before the engine sees the change
    await clock.advance(5000);
    assert.equal(a.of("call.started").length, 1);
    assert.equal(b.of("call.started").length, 1, "the newcomer continues from the engine's baseline");
    assert.equal(a.of("extension.status").length, 1);
    assert.equal(b.of("extension.status").length, 1);
    const c = probe();
    watch(c, { extensions: ["101"] });
    await clock.advance(5000);
    assert.equal(c.events.length, 0, "nothing changed since it joined: no events");
    await sb.close();
    assert.equal(engine.entries, 2, "102 is no longer read");
    const n102 = pbx.count("ext.state.get", "102");
    pbx.setExt("101", { fwdName: "DND" });
    pbx.calls = [];
    await clock.advance(5000);
    assert.equal(pbx.count("ext.state.get", "102"), n102);
    assert.equal(b.events.length, 2, "the one that left hears nothing more");
    assert.equal(a.of("call.ended").length, 1);
    assert.equal(c.of("extension.status").length, 1);
  });

  it("the last subscriber leaving stops every timer; one joining soon after resumes the baseline", async () => {
    setup(range(100, 2));
    const a = probe();
    const sa = watch(a, { extensions: ["100"] });
    await clock.advance(5000);
    await sa.close();
    assert.equal(PollEngine.active, 0);
    assert.equal(clock.pending, 0, "no timer left");
    const n = pbx.hits.length;
    await clock.advance(10_000);
    assert.equal(pbx.hits.length, n, "no request while nobody listens");
    pbx.setExt("100", { fwdName: "Away" }); // changed during the redeploy
    const b = probe();
    watch(b, { extensions: ["100"] });
    assert.equal(PollEngine.active, 1);
    await clock.advance(5000);
    assert.equal(b.of("extension.status").length, 1, "the change made during the gap is not lost");
  });

  it("an entry the PBX refuses is shown and retried once a minute, not every tick", async () => {
    setup(range(100, 2));
    const p = probe();
    watch(p, { intervalMs: 1000, extensions: ["100", "999"], queues: ["850"] });
    await clock.advance(300_000);
    assert.ok(pbx.count("ext.state.get", "999") <= 6, `999 read ${pbx.count("ext.state.get", "999")} times in 5 min`);
    assert.ok(pbx.count("ext.state.get", "100") >= 290, "the rest goes on at full speed");
    assert.deepEqual(p.last?.kind === "polling" && p.last.refused, ["ext 999", "queue 850"]);
    assert.ok(p.refused.filter((r) => r === "extension:999").length >= 5);
    assert.equal(p.of("pbx.down").length, 0);
    pbx.setExt("999", {}); // created on the PBX
    await clock.advance(61_000);
    assert.deepEqual(p.last?.kind === "polling" && p.last.refused, ["queue 850"]);
  });

  it("the PBX down and back: pbx.down once and pbx.up once per monitor; no reads while down", async () => {
    setup(range(100, 5));
    const a = probe();
    const b = probe();
    watch(a, { extensions: range(100, 5) });
    watch(b, { extensions: ["100"] });
    await clock.advance(5000);
    pbx.down = "UNREACHABLE";
    await clock.advance(3000);
    const reads = pbx.count("ext.state.get");
    await clock.advance(120_000);
    assert.ok(pbx.count("ext.state.get") <= reads + 2, "reads stop while the calls poll fails");
    assert.ok(pbx.count("pbx.callsinfo.get") < 20, `the calls poll backs off (${pbx.count("pbx.callsinfo.get")})`);
    assert.equal(a.last?.kind, "down");
    pbx.down = undefined;
    pbx.setExt("100", { fwdName: "Away" }); // during the gap: the new baseline, no event
    await clock.advance(65_000);
    for (const x of [a, b]) {
      assert.deepEqual(x.events.map((e) => e.topic), ["pbx.down", "pbx.up"]);
      assert.equal(x.last?.kind, "polling");
    }
  });

  it("a PBX that slows down (slow answers, 429) gets fewer reads, and the state says so", async () => {
    setup(range(100, 100));
    const p = probe();
    watch(p, { intervalMs: 2000, extensions: range(100, 100) });
    await clock.advance(10_000);
    pbx.latencyMs = 1500;
    const t0 = clock.now();
    await clock.advance(30_000);
    const slowReads = pbx.hits.filter((h) => h.at >= t0 + 10_000 && h.method === "ext.state.get").length;
    assert.ok(slowReads < 100, `${slowReads} reads in 20 s while slow (full budget: 200)`);
    assert.ok(p.last?.kind === "polling" && p.last.slowdown > 1, JSON.stringify(p.last));
    pbx.latencyMs = 30;
    pbx.failing = (m) => (m === "ext.state.get" ? "HTTP_429" : undefined);
    await clock.advance(30_000);
    assert.ok(engine.slowdown >= 8, `429s keep it slowed (${engine.slowdown})`);
    pbx.failing = undefined;
    await clock.advance(120_000);
    assert.equal(engine.slowdown, 1, "back to the full budget once the PBX is calm");
    assert.equal(p.of("pbx.down").length, 0, "slow is not down");
  });

  it("pollNow: a calls poll at once, and the snapshot holds the monitor's own states", async () => {
    setup(range(100, 3));
    pbx.queues.set("802", [["100", true], ["101", false]]);
    const a = probe();
    const sa = watch(a, { intervalMs: 60_000, extensions: ["100", "101"], queues: ["802"] });
    watch(probe(), { intervalMs: 60_000, extensions: ["102"] });
    await clock.advance(10);
    const n = pbx.count("pbx.callsinfo.get");
    const snap = sa.pollNow();
    await clock.advance(1000);
    const s = await snap;
    assert.equal(pbx.count("pbx.callsinfo.get"), n + 1);
    assert.deepEqual([...s.extensions.keys()], ["100", "101"]);
    assert.deepEqual([...s.queues.get("802")!.keys()], ["100", "101"]);
  });

  it("extra reads (statistics, look-ups) are paced within the same budget", async () => {
    setup(range(100, 50));
    const a = watch(probe(), { intervalMs: 2000, extensions: range(100, 50) });
    await clock.advance(5000);
    const answers = Array.from({ length: 20 }, (_, i) => a.read("queue.talk.get", { num: String(800 + i) }));
    await clock.advance(5000);
    const got = await Promise.all(answers);
    assert.equal(got.length, 20);
    const all = pbx.hits.filter((h) => h.method !== "pbx.callsinfo.get");
    assert.ok(maxInWindow(all.map((h) => h.at), 1000) <= 10);
  });
});
