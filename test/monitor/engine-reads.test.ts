// The engine's paced reads on their own, on the fake clock with a scripted PBX: the budget gap,
// new entries first, extra reads ahead of the round robin, at most maxReads in flight, refusals
// told to the watchers, nothing while the PBX is down, and everything turned away on a halt.
import assert from "node:assert/strict";
import { Slowdown } from "../../src/monitor";
import type { WatchRequest } from "../../src/monitor/engine/api";
import { Entries } from "../../src/monitor/engine/entries";
import { PacedReads } from "../../src/monitor/engine/reads";
import { Sub } from "../../src/monitor/engine/subscribers";
import { FakeClock, FakePbx, range } from "./fake-pbx";

const host = { snapshotOf: () => null, pollNowFor: () => Promise.reject(new Error("none")), extraRead: () => Promise.reject(new Error("none")), leave: () => Promise.resolve() };

function setup(exts: string[], over: { maxReads?: number } = {}) {
  const clock = new FakeClock();
  const pbx = new FakePbx(clock, exts);
  const entries = new Entries(60_000);
  const refused: string[] = [];
  const w: WatchRequest = { intervalMs: 2000, extensions: exts, queues: [], onEvents: () => undefined, onEntryRefused: (_k, num) => void refused.push(num) };
  const sub = new Sub(host, w);
  for (const key of sub.keys) entries.join(key, sub, 2000);
  const world = { running: true, down: false, calls: true, changes: 0 };
  const stats = { reads: 0, extras: 0 };
  const reads = new PacedReads({
    client: pbx, clock, budget: 10, maxReads: over.maxReads ?? 2, firstReadWaitMs: 5000, slow: new Slowdown(), entries, stats,
    running: () => world.running, isDown: () => world.down, hasCalls: () => world.calls, stateChanged: () => void world.changes++,
  });
  return { clock, pbx, entries, sub, reads, world, stats, refused };
}

const starts = (pbx: FakePbx, method = "ext.state.get"): number[] => pbx.hits.filter((h) => h.method === method).map((h) => h.at);

describe("monitor engine: paced reads (fake clock)", () => {
  it("new entries first, one budget gap apart; then each once per period", async () => {
    const { clock, pbx, sub, reads, stats } = setup(range(100, 5));
    const t0 = clock.now();
    reads.schedule();
    await clock.advance(10_000);
    const t = starts(pbx);
    assert.deepEqual(t.slice(0, 5).map((x) => x - t0), [0, 100, 200, 300, 400], "the five new entries at 10/s");
    for (let i = 1; i < t.length; i++) assert.ok(t[i] - t[i - 1] >= 100 - 1e-9, `gap ${t[i] - t[i - 1]} ms`);
    for (const num of range(100, 5)) assert.ok(Math.abs(pbx.count("ext.state.get", num) - 5) <= 1, `${num}: ${pbx.count("ext.state.get", num)} reads in 10 s at 2 s`);
    assert.equal(stats.reads, t.length);
    assert.equal(sub.known.size, 5, "the subscriber has a baseline for each");
  });

  it("at most maxReads in flight when the PBX is slow", async () => {
    const { clock, pbx, reads } = setup(range(100, 20), { maxReads: 2 });
    pbx.latencyMs = 900;
    reads.schedule();
    await clock.advance(10_000);
    assert.equal(pbx.maxInFlight, 2);
    assert.ok(starts(pbx).length <= 24, `${starts(pbx).length} reads in 10 s at 0.9 s each, 2 at a time`);
  });

  it("an extra read goes ahead of the round robin (after the new entries) and resolves with its data", async () => {
    const { clock, pbx, sub, reads, stats } = setup(range(100, 50));
    reads.schedule();
    await clock.advance(6000); // the 50 new entries are read; the round robin is due
    const asked = clock.now();
    const answer = reads.extra(sub, "queue.talk.get", { num: "800" });
    await clock.advance(500);
    assert.deepEqual(await answer, { method: "queue.talk.get", num: "800" });
    const at = pbx.hits.find((h) => h.method === "queue.talk.get")!.at;
    assert.ok(at - asked <= 100, `sent ${at - asked} ms after it was asked`);
    assert.equal(stats.extras, 1);
  });

  it("a refused entry is told to its watchers and retried a minute on; strain is not a refusal", async () => {
    const { clock, pbx, entries, reads, world, refused } = setup(["100", "101", "102"]);
    pbx.failing = (_m, num) => (num === "101" ? "HTTP_404" : num === "102" ? "HTTP_503" : undefined);
    reads.schedule();
    await clock.advance(5000);
    assert.deepEqual(refused, ["101"]);
    assert.equal(world.changes >= 1, true, "the state shows the refusal");
    assert.equal(entries.get("e:101")!.refused?.code, "HTTP_404");
    assert.equal(entries.get("e:102")!.refused, undefined, "503: the PBX's strain, not the entry's fault");
    assert.equal(pbx.count("ext.state.get", "101"), 1);
    await clock.advance(60_000);
    assert.equal(pbx.count("ext.state.get", "101"), 2, "tried again after refusedRetryMs");
  });

  it("no reads before the first calls list or while the PBX is down; pause stops the timer", async () => {
    const { clock, pbx, reads, world } = setup(range(100, 3));
    world.calls = false;
    reads.schedule();
    assert.equal(clock.pending, 0);
    world.calls = true;
    reads.schedule();
    await clock.advance(150);
    world.down = true;
    const n = pbx.hits.length;
    await clock.advance(5000);
    assert.equal(pbx.hits.length, n, "the timer set before found the PBX down");
    world.down = false;
    reads.schedule();
    reads.pause();
    await clock.advance(5000);
    assert.equal(pbx.hits.length, n);
    assert.equal(clock.pending, 0);
  });

  it("a halt: reads in flight are aborted, waiting extras and first reads turned away", async () => {
    const { clock, pbx, sub, reads, world } = setup(range(100, 3));
    pbx.latencyMs = 1000;
    reads.schedule();
    await clock.advance(10);
    const extra = reads.extra(sub, "queue.talk.get", {});
    const first = reads.firstReadsOf(sub);
    world.running = false; // the last subscriber left
    reads.pause();
    reads.abort();
    reads.turnAway();
    await assert.rejects(extra, { code: "ABORTED" });
    await assert.rejects(first, { code: "ABORTED" });
    await Promise.allSettled([...reads.inFlight]);
    assert.equal(pbx.inFlight, 0);
    assert.equal(clock.pending, 0, "no timer left");
  });
});
